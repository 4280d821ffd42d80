"""Every place where the project relies on Rasa's internals, checked against the Rasa
release it was written for, and the one change it makes to Rasa itself.

Rasa 3.6 offers no public hook for some of what the project needs, so a few modules
override private methods or read private attributes of Rasa's classes (INTERNALS below
names each, and the module that relies on it). Each one is pinned here to the source
code of Rasa 3.6.21: `check()` compares rasa.__version__ and a hash of each one's source
with what they were, and tests/assistant/test_rasa_patches.py runs it in `make
test-fast`, so an upgrade of Rasa fails loudly there, naming what to review, instead of
misbehaving in production.

The patches (`install`, called once by assistant/server.py when the Rasa server starts,
never by a constructor): every RemoteAction checks the action server's replies with a
prebuilt validator (assistant/action_reply_check.py), and a new session carries over
only the safety slots (assistant/session_carry_over.py).
"""

import hashlib
import importlib
import inspect
from typing import Any, Dict, List, Tuple

import rasa

RASA_VERSION = "3.6.21"

# "module:qualified name" -> (who relies on it, sha256 of its source in Rasa 3.6.21, first 16)
INTERNALS: Dict[str, Tuple[str, str]] = {
    # patched process-wide by install(): a new session keeps only the safety slots
    "rasa.core.actions.action:ActionSessionStart._slot_set_events_from_tracker": (
        "assistant/session_carry_over.py",
        "d023605fda20a739",
    ),
    "rasa.core.actions.action:ActionSessionStart.run": (
        "assistant/session_carry_over.py",
        "c2e7c99a94ca57a5",
    ),
    # patched process-wide by install()
    "rasa.core.actions.action:RemoteAction._validate_action_result": (
        "assistant/action_reply_check.py",
        "f8cdb4be68123961",
    ),
    # assistant/nlg.py overrides _fill_response (button payloads are not templates)
    "rasa.core.nlg.response:TemplatedNaturalLanguageGenerator._fill_response": (
        "assistant/nlg.py",
        "691ce3c781c7939a",
    ),
    "rasa.core.nlg.response:TemplatedNaturalLanguageGenerator.generate_from_slots": (
        "assistant/nlg.py",
        "35cac007f5a6995f",
    ),
    "rasa.core.nlg.interpolator:interpolate": ("assistant/nlg.py", "f797ae38ba541564"),
    # assistant/nlg.py renders the channels' words when Agent.load_model hands the NLG the
    # model's responses (its `responses` setter)
    "rasa.core.agent:Agent.load_model": ("assistant/nlg.py", "f4c1ab4c5c7af634"),
    # assistant/classifiers.py: featurisation, training and persistence of Rasa's classifier
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X": (
        "assistant/classifiers.py",
        "6f50b5eef8a879c4",
    ),
    "rasa.nlu.classifiers.logistic_regression_classifier:"
    "LogisticRegressionClassifier._create_training_matrix": (
        "assistant/classifiers.py",
        "8bb4f3f50fd794ed",
    ),
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier.train": (
        "assistant/classifiers.py",
        "68f648ef29d6b903",
    ),
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier.persist": (
        "assistant/classifiers.py",
        "17ea08d0a816381d",
    ),
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier.__init__": (
        "assistant/classifiers.py",
        "efe227512de8355e",
    ),
    # TfidfLogisticIntentClassifier.process repeats this one with a faster TF-IDF product
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier.process": (
        "assistant/classifiers.py",
        "200fc5eab907e156",
    ),
    # assistant/tracker_store.py: the rows, queries and engine of Rasa's SQL store
    "rasa.core.tracker_store:SQLTrackerStore.__init__": (
        "assistant/tracker_store.py",
        "64e704d159dfa35b",
    ),
    "rasa.core.tracker_store:SQLTrackerStore._event_query": (
        "assistant/tracker_store.py",
        "cd44f7901b860bfd",
    ),
    "rasa.core.tracker_store:SQLTrackerStore.save": (
        "assistant/tracker_store.py",
        "57165e46eab3de08",
    ),
    "rasa.core.tracker_store:SQLTrackerStore.retrieve": (
        "assistant/tracker_store.py",
        "0d99846daced97d3",
    ),
    "rasa.core.tracker_store:SQLTrackerStore.SQLEvent": (
        "assistant/tracker_store.py",
        "696a0661ef7643a9",
    ),
    # assistant/lock_store.py: Rasa's ticket lock and its Redis store
    "rasa.core.lock_store:RedisLockStore.__init__": ("assistant/lock_store.py", "829e898a8cddff8d"),
    "rasa.core.lock_store:RedisLockStore.issue_ticket": (
        "assistant/lock_store.py",
        "4dfdfb5e62c1dda9",
    ),
    "rasa.core.lock_store:LockStore.lock": ("assistant/lock_store.py", "8b9b716c031a3444"),
    "rasa.core.lock_store:RedisLockStore.cleanup": ("assistant/lock_store.py", "f2ba1745c8153f92"),
    "rasa.core.lock:TicketLock": ("assistant/lock_store.py", "2cd46225330fb0ca"),
    # channels/socketio.py: the stock blueprint, its server's CORS and session handlers
    "rasa.core.channels.socketio:SocketIOInput.blueprint": (
        "channels/socketio.py",
        "1246d69fa05c3b1f",
    ),
    "rasa.core.channels.socketio:SocketIOInput.get_output_channel": (
        "channels/socketio.py",
        "4b910f3c961c8ea4",
    ),
    "rasa.core.channels.socketio:SocketIOOutput": ("channels/socketio.py", "370dc3e8aca97964"),
    # channels/whatsapp/twilio_channel.py: Twilio's client and sending
    "rasa.core.channels.twilio:TwilioOutput": (
        "channels/whatsapp/twilio_channel.py",
        "b2dd1f52afca5366",
    ),
    "rasa.core.channels.twilio:TwilioInput.__init__": (
        "channels/whatsapp/twilio_channel.py",
        "8c6f41ff6320c77e",
    ),
}


class RasaInternalsChanged(RuntimeError):
    """The installed Rasa is not the one whose internals the project relies on."""


def resolve(name: str) -> Any:
    """The object named "module:qualified.name"."""
    module_name, _, path = name.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in path.split("."):
        target = getattr(target, part)
    return target


def source_hash(target: Any) -> str:
    return hashlib.sha256(inspect.getsource(target).encode("utf-8")).hexdigest()[:16]


def check() -> List[str]:
    """What differs from Rasa 3.6.21: the version, and each internal whose code changed."""
    changes = []
    if rasa.__version__ != RASA_VERSION:
        changes.append(
            f"rasa {rasa.__version__} is installed; the project was written for {RASA_VERSION}"
        )
    for name, (user, expected) in INTERNALS.items():
        try:
            found = source_hash(resolve(name))
        except (AttributeError, ImportError, OSError, TypeError) as error:
            changes.append(f"{name} (relied on by {user}) is gone: {error}")
            continue
        if found != expected:
            changes.append(f"{name} changed (relied on by {user}; source hash {found})")
    return changes


_installed = False


def install() -> None:
    """Check the internals, then make every RemoteAction use the prebuilt validator. Once
    per process; raises RasaInternalsChanged (naming what to review) on another Rasa."""
    global _installed
    if _installed:
        return
    changes = check()
    if changes:
        raise RasaInternalsChanged("review before running on this Rasa:\n  " + "\n  ".join(changes))
    from rasa.core.actions.action import RemoteAction

    from assistant.action_reply_check import validate_action_result

    RemoteAction._validate_action_result = validate_action_result
    from rasa.core.actions.action import ActionSessionStart

    from assistant.session_carry_over import carried_over

    ActionSessionStart._slot_set_events_from_tracker = staticmethod(carried_over)
    _installed = True
