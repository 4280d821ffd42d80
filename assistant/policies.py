"""Dialogue policy tweak that lets red-flag rules pre-empt an active form.

Rasa's RulePolicy always hands a user message to an active form first; rules only
apply if the form rejects the message, and the form can only do that by calling
the action server. A red flag must not depend on that: with this policy, a message
the RedFlagScreen marked as a red flag goes straight to the red-flag rules
(data/rules/red_flags.yml), with or without an active form or a running action server.
"""
from typing import Optional, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

RED_FLAG_INTENTS = frozenset({"red_flag_emergency", "red_flag_urgent"})


def red_flag_turn_before_loop(tracker: DialogueStateTracker) -> bool:
    """True while answering a red-flag message and the active form has not run yet."""
    loop = tracker.active_loop_name
    if not loop or tracker.latest_message is None:
        return False
    if tracker.latest_message.intent.get("name") not in RED_FLAG_INTENTS:
        return False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted) and event.action_name == loop:
            return False
    return True


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class SafetyRulePolicy(RulePolicy):
    """RulePolicy in which red-flag rules run before an active form."""

    def _find_action_from_loop_happy_path(
        self, tracker: DialogueStateTracker
    ) -> Tuple[Optional[Text], Optional[Text]]:
        if red_flag_turn_before_loop(tracker):
            return None, None
        return RulePolicy._find_action_from_loop_happy_path(tracker)
