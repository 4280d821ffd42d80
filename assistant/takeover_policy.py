"""Keeps the assistant silent in a conversation that a member of the clinic's team took over.

Live takeover (console/takeover/) sets the `staff_takeover` slot through the Rasa server's
HTTP API. While it is set, this policy predicts `action_listen` after every patient
message with full confidence and priority 7: above the rules, the memoized stories and
any form (priority 6), so the assistant stops answering that conversation only. It sits
below the red-flag policy (priority 8 in config.yml), so the red-flag screen keeps running
on every message and a red flag still gets its advice automatically; the console sees the
flag and alerts the member of staff.

Rasa's own conversation pause was not used: a paused conversation runs no policy at all,
so a patient writing "I cannot feel my legs" to a paused conversation would get no advice.
"""

from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from contract import SLOT_STAFF_TAKEOVER


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class TakeoverPolicy(Policy):
    """Predicts action_listen while the conversation is taken over (module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Above RulePolicy (6), below RedFlagPolicy (8 in config.yml).
        return {"priority": 7}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if taken_over(tracker, domain):
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)


def taken_over(tracker: DialogueStateTracker, domain: Domain) -> bool:
    """Whether a member of staff answers this conversation now."""
    if SLOT_STAFF_TAKEOVER not in {slot.name for slot in domain.slots}:
        return False
    return bool(tracker.get_slot(SLOT_STAFF_TAKEOVER))
