"""The Rasa internals the project relies on are those of Rasa 3.6.21 (fast: an upgrade of
Rasa fails here first), and the one patch is installed once, by the server's start."""

import hashlib

import pytest
import rasa
from rasa.core.actions.action import RemoteAction

from assistant import action_reply_check, rasa_patches


def test_the_installed_rasa_is_the_one_the_project_relies_on():
    assert rasa_patches.check() == []


def test_a_changed_internal_is_named_with_who_relies_on_it(monkeypatch):
    name = "rasa.core.nlg.response:TemplatedNaturalLanguageGenerator._fill_response"
    monkeypatch.setitem(rasa_patches.INTERNALS, name, ("assistant/nlg.py", "0" * 16))
    assert rasa_patches.check() == [
        f"{name} changed (relied on by assistant/nlg.py; source "
        f"hash {rasa_patches.source_hash(rasa_patches.resolve(name))})"
    ]


def test_a_vanished_internal_and_another_version_are_caught(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    monkeypatch.setitem(
        rasa_patches.INTERNALS,
        "rasa.core.lock:TicketLock.no_such_method",
        ("assistant/lock_store.py", "0" * 16),
    )
    changes = rasa_patches.check()
    assert changes[0].startswith("rasa 3.7.0 is installed")
    assert "TicketLock.no_such_method (relied on by assistant/lock_store.py) is gone" in changes[1]
    monkeypatch.setattr(rasa_patches, "_installed", False)
    with pytest.raises(rasa_patches.RasaInternalsChanged, match="rasa 3.7.0"):
        rasa_patches.install()


def test_install_patches_remote_actions_once(monkeypatch):
    original = RemoteAction.__dict__["_validate_action_result"]
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)  # undone after
    monkeypatch.setattr(rasa_patches, "_installed", False)
    rasa_patches.install()
    assert RemoteAction._validate_action_result is action_reply_check.validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    rasa_patches.install()  # already done in this process: nothing changes
    assert RemoteAction.__dict__["_validate_action_result"] is original


def test_the_hash_is_of_the_source():
    target = rasa_patches.resolve("rasa.core.lock:TicketLock")
    import inspect

    expected = hashlib.sha256(inspect.getsource(target).encode()).hexdigest()[:16]
    assert rasa_patches.source_hash(target) == expected
