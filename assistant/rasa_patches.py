"""Every place where the project relies on Rasa's internals, checked against the Rasa
release it was written for, and the changes it makes to Rasa itself.

Rasa 3.6 offers no public hook for some of what the project needs, so a few modules
override private methods or read private attributes of Rasa's classes (INTERNALS below
names each, and the module that relies on it). Each one is pinned here to the source
code of Rasa 3.6.21: `check()` compares rasa.__version__ and a hash of each one's source
with what they were, and tests/assistant/test_rasa_patches.py runs it in `make
test-fast`, so an upgrade of Rasa fails loudly there, naming what to review, instead of
misbehaving in production.

The patches (`install`, called once by assistant/server.py when the Rasa server starts,
and by channels/__init__.py, which Rasa imports for credentials.yml before it registers
any channel, so that no channel is served unscoped however Rasa is started; never by a
constructor):

1. Every RemoteAction checks the action server's replies with a prebuilt validator
   (assistant/action_reply_check.py).
2. A new session carries over only the safety slots (assistant/session_carry_over.py).
3. Conversations belong to their channel. Rasa stores a conversation under the sender id
   that the input channel hands over, whichever channel that is: a REST caller who sent
   `"sender": "<a WhatsApp patient's number>"` read and changed that patient's
   conversation. Here every input channel's messages are stored under
   `contract.conversation_id(<channel name>, <sender id>)` ("whatsapp:9198...",
   "rest:...", "socketio:<session id>"), whichever channel it is, stock or ours, and the
   channel's output sees its own sender id again, so replies reach the right address.
4. Rasa's HTTP API takes its token only as `?token=` in the URL, which lands in proxy
   logs. Here `Authorization: Bearer <token>` is accepted too (the query string still is).
"""

import hashlib
import hmac
import importlib
import inspect
import logging
from functools import wraps
from inspect import isawaitable
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import rasa
import rasa.server
from rasa.core.channels import channel as rasa_channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

from contract import conversation_id, split_conversation_id

logger = logging.getLogger(__name__)

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
    # patched process-wide by install(): conversations scoped by channel, Bearer token
    "rasa.core.channels.channel:register": ("assistant/rasa_patches.py", "f6dc783f1ad3638e"),
    "rasa.server:requires_auth": ("assistant/rasa_patches.py", "b90315c4ea48b28b"),
    # ScopedOutput below passes on each of an output channel's send methods
    "rasa.core.channels.channel:OutputChannel": ("assistant/rasa_patches.py", "8e2010adf347ff45"),
    # channels/rest.py: the stock REST channel's blueprint replaced, its readers overridden
    "rasa.core.channels.rest:RestInput.blueprint": ("channels/rest.py", "886a9338e4c2505a"),
    "rasa.core.channels.rest:RestInput.stream_response": ("channels/rest.py", "1fe0bdd810046ffe"),
    "rasa.core.channels.rest:RestInput._extract_sender": ("channels/rest.py", "1a9567a3062f0ab8"),
    "rasa.core.channels.rest:RestInput._extract_message": ("channels/rest.py", "5182b25edf8d4baa"),
    "rasa.core.channels.rest:RestInput._extract_input_channel": (
        "channels/rest.py",
        "ca08e7f6dc2980a5",
    ),
    "rasa.core.channels.rest:RestInput.get_metadata": ("channels/rest.py", "26d23d28acfa89db"),
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
            found = source_hash(_originals[name] if name in _originals else resolve(name))
        except (AttributeError, ImportError, OSError, TypeError) as error:
            changes.append(f"{name} (relied on by {user}) is gone: {error}")
            continue
        if found != expected:
            changes.append(f"{name} changed (relied on by {user}; source hash {found})")
    return changes


class ScopedOutput(OutputChannel):
    """A channel's output, addressed with the conversation id, passing on the channel's own id."""

    def __init__(self, inner: OutputChannel, channel: str) -> None:
        self.inner = inner
        self.channel = channel

    def name(self) -> str:
        return self.inner.name()

    def local_id(self, recipient_id: str) -> str:
        channel, sender = split_conversation_id(recipient_id or "")
        return sender if channel == self.channel else recipient_id

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.inner.send_response(self.local_id(recipient_id), message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.inner.send_text_message(self.local_id(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.inner.send_image_url(self.local_id(recipient_id), image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.inner.send_attachment(self.local_id(recipient_id), attachment, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.inner.send_text_with_buttons(
            self.local_id(recipient_id), text, buttons, **kwargs
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.inner.send_quick_replies(
            self.local_id(recipient_id), text, quick_replies, **kwargs
        )

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        await self.inner.send_elements(self.local_id(recipient_id), elements, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        await self.inner.send_custom_json(self.local_id(recipient_id), json_message, **kwargs)

    def __getattr__(self, name: str) -> Any:  # e.g. CollectingOutputChannel.messages
        return getattr(self.inner, name)


def scope_message(channel: str, message: UserMessage) -> UserMessage:
    """The message, stored under its channel's conversation id, answered through `channel`."""
    message.sender_id = conversation_id(channel, message.sender_id)
    if message.output_channel is not None and not isinstance(message.output_channel, ScopedOutput):
        message.output_channel = ScopedOutput(message.output_channel, channel)
    return message


def scope_channel(input_channel: InputChannel) -> InputChannel:
    """Make every message of `input_channel` land in the channel's own conversations."""
    if getattr(input_channel, "_scoped_by_channel", False):
        return input_channel
    name = input_channel.name()
    blueprint = input_channel.blueprint
    get_output_channel = input_channel.get_output_channel

    def scoped_blueprint(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        async def handler(message: UserMessage) -> Any:
            return await on_new_message(scope_message(name, message))

        return blueprint(handler)

    def scoped_output() -> Optional[OutputChannel]:
        output = get_output_channel()
        return None if output is None else ScopedOutput(output, name)

    input_channel.blueprint = scoped_blueprint
    input_channel.get_output_channel = scoped_output
    input_channel._scoped_by_channel = True
    return input_channel


def bearer_token(request: Any) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def accepts_bearer(requires_auth: Callable) -> Callable:
    """rasa.server.requires_auth that also accepts the API token as a Bearer header."""

    @wraps(requires_auth)
    def patched(app: Any, token: Optional[str] = None) -> Callable:
        stock = requires_auth(app, token)

        def decorator(view: Callable) -> Callable:
            checked = stock(view)

            @wraps(view)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                given = bearer_token(request)
                if token and given and hmac.compare_digest(given.encode(), token.encode()):
                    result = view(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await checked(request, *args, **kwargs)

            return decorated

        return decorator

    return patched


def check_version(version: Optional[str] = None) -> None:
    """Raise RasaInternalsChanged unless `version` (default: the installed one) is 3.6.21."""
    version = rasa.__version__ if version is None else version
    if version != RASA_VERSION:
        raise RasaInternalsChanged(
            f"assistant/rasa_patches.py is written for Rasa {RASA_VERSION}, not {version}: "
            "review every internal in INTERNALS (rasa_patches.check()) in the new version "
            "and update the patches before starting the server"
        )


_installed = False
#: The originals of what install() replaced, by their INTERNALS name: check() hashes these,
#: so it still answers for Rasa's own code in a process where the patches are installed.
_originals: Dict[str, Any] = {}


def _replace(name: str, owner: Any, attribute: str, new: Any) -> None:
    """Set `owner.attribute` (the internal `name`) to `new`, keeping the first original."""
    _originals.setdefault(name, resolve(name))
    setattr(owner, attribute, new)


def install() -> None:
    """Check the internals, then install the patches. Once per process; raises
    RasaInternalsChanged (naming what to review) on another Rasa."""
    global _installed
    if _installed:
        return
    changes = check()
    if changes:
        raise RasaInternalsChanged("review before running on this Rasa:\n  " + "\n  ".join(changes))
    from rasa.core.actions.action import ActionSessionStart, RemoteAction

    from assistant.action_reply_check import validate_action_result
    from assistant.session_carry_over import carried_over

    _replace(
        "rasa.core.actions.action:RemoteAction._validate_action_result",
        RemoteAction,
        "_validate_action_result",
        validate_action_result,
    )
    _replace(
        "rasa.core.actions.action:ActionSessionStart._slot_set_events_from_tracker",
        ActionSessionStart,
        "_slot_set_events_from_tracker",
        staticmethod(carried_over),
    )
    if "rasa.core.channels.channel:register" not in _originals:  # wrapped once only
        register = rasa_channel.register

        @wraps(register)
        def scoped_register(
            input_channels: List[InputChannel], app: Any, route: Optional[str]
        ) -> None:
            register([scope_channel(c) for c in input_channels], app, route)

        _replace("rasa.core.channels.channel:register", rasa_channel, "register", scoped_register)
    if "rasa.server:requires_auth" not in _originals:
        requires_auth = rasa.server.requires_auth
        _replace(
            "rasa.server:requires_auth", rasa.server, "requires_auth", accepts_bearer(requires_auth)
        )
    _installed = True
    logger.debug(
        "Rasa patched: action replies checked, session carry-over, conversations scoped by "
        "channel, API token accepted as a Bearer header"
    )
