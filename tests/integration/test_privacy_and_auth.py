"""Privacy and authentication over the real servers: the API token as a Bearer header, the
REST channel's 400s, the notice and consent before any detail, erasure from the chat."""

import itertools
import sqlite3

import pytest
import requests
from sqlalchemy import create_engine, text

from actions.consent import NOTICE_VERSION
from contract import conversation_id
from harness.servers import AUTH_TOKEN

_ids = itertools.count()


def new_sender(prefix):
    return f"{prefix}-{next(_ids)}"


def texts(replies):
    return [r.get("text") for r in replies if r.get("text")]


def database(servers):
    return create_engine(f"sqlite:///{servers.logs['rasa'].parent / 'assistant.db'}")


def rows(servers, sql, **params):
    with database(servers).connect() as connection:
        return connection.execute(text(sql), params).fetchall()


def test_the_api_token_works_as_a_bearer_header_and_in_the_query(servers):
    url = f"{servers.rasa_url}/conversations/{conversation_id('rest', 'nobody')}/tracker"
    assert (
        requests.get(url, headers={"Authorization": f"Bearer {AUTH_TOKEN}"}, timeout=30).status_code
        == 200
    )
    assert requests.get(url, params={"token": AUTH_TOKEN}, timeout=30).status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": AUTH_TOKEN}):
        assert requests.get(url, headers=headers, timeout=30).status_code == 401


def test_the_rest_channel_answers_400_to_bodies_that_are_not_messages(servers):
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    for body in (
        b"[1, 2]",
        b'"x"',
        b'{"sender": 5, "message": "hi"}',
        b'{"message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ):
        answer = requests.post(
            url, data=body, timeout=30, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400, body[:40]


def test_the_notice_comes_before_any_detail_and_a_refusal_keeps_nothing(servers):
    sender = new_sender("declines")
    [notice] = [r for r in servers.say(sender, "I want to book an appointment") if r.get("text")]
    assert "privacy notice" in notice["text"] and "delete my data" in notice["text"]
    assert "365 days" in notice["text"] and [b["payload"] for b in notice["buttons"]] == [
        "/affirm",
        "/deny",
    ]
    assert texts(servers.say(sender, "no"))[0].startswith("Okay, I haven't taken any details")
    slots = servers.tracker(sender)["slots"]
    assert (
        slots["patient_name"] is None and slots["active_loop"]
        if "active_loop" in slots
        else slots["patient_name"] is None
    )
    assert rows(
        servers,
        "SELECT count(*) FROM consents WHERE sender_id = :c",
        c=conversation_id("rest", sender),
    ) == [(0,)]


def test_consent_is_recorded_before_the_name_is_asked(servers):
    sender = new_sender("agrees")
    servers.say(sender, "appointment chahiye")  # Hinglish: the answers come in Hinglish
    assert "poora naam" in texts(servers.say(sender, "yes"))[0]
    [(version, channel, purpose, given_by)] = rows(
        servers,
        "SELECT notice_version, channel, purpose, given_by FROM consents WHERE sender_id = :c",
        c=conversation_id("rest", sender),
    )
    assert (version, channel, purpose, given_by) == (
        NOTICE_VERSION,
        "rest",
        "appointment_request",
        "patient",
    )


def test_emergency_advice_never_waits_for_the_consent(servers):
    sender = new_sender("emergency-at-notice")
    servers.say(sender, "I want to book an appointment")
    replies = servers.say(sender, "I can't control my bladder since this morning")
    assert texts(replies)[0].startswith("⚠️ You mentioned") and "112" in texts(replies)[0]


def test_a_parent_writing_for_a_child_is_asked_for_the_guardian_s_consent(servers):
    sender = new_sender("child")
    servers.say(sender, "I want to book an appointment")
    replies = texts(servers.say(sender, "it's for my daughter, she is 15"))
    assert any("parent or legal guardian" in t for t in replies), replies
    servers.say(sender, "yes")
    [(given_by, for_child)] = rows(
        servers,
        "SELECT given_by, for_child FROM consents WHERE sender_id = :c",
        c=conversation_id("rest", sender),
    )
    assert given_by == "guardian" and for_child


@pytest.mark.parametrize(
    "request_text", ["delete my data", "mera data delete karo", "मेरा डेटा हटाओ"]
)
def test_delete_my_data_asks_then_erases_the_conversation_and_requests(servers, request_text):
    sender = new_sender("erase")
    conversation = conversation_id("rest", sender)
    for message in [
        "I want to book an appointment",
        "yes",
        "Asha Verma",
        "98100 12345",
        "monday",
        "back pain after a fall",
        "/affirm",
    ]:
        servers.say(sender, message)
    assert rows(
        servers, "SELECT count(*) FROM appointment_requests WHERE sender_id = :s", s=conversation
    ) == [(1,)]
    question = texts(servers.say(sender, request_text))
    assert any("cannot be undone" in t or "वापस नहीं" in t or "wapas nahi" in t for t in question), (
        question
    )
    done = texts(servers.say(sender, "yes"))[0]  # in the language of the erasure request
    assert done.startswith(("Done: this conversation", "Ho gaya: yeh baatcheet", "हो गया")), done
    for table, column in (
        ("events", "sender_id"),
        ("appointment_requests", "sender_id"),
        ("consents", "sender_id"),
    ):
        assert rows(
            servers, f"SELECT count(*) FROM {table} WHERE {column} = :s", s=conversation
        ) == [(0,)], table
    console = sqlite3.connect(servers.env["CONSOLE_VAR_DIR"] + "/console.db")
    try:
        actions = [r[0] for r in console.execute("SELECT action FROM staff_auditentry")]
    finally:
        console.close()
    assert "erasure" in actions
    assert texts(servers.say(sender, "hello"))  # a fresh conversation afterwards


def test_keeping_the_data_erases_nothing(servers):
    sender = new_sender("keep")
    servers.say(sender, "hello")
    servers.say(sender, "delete my data")
    assert texts(servers.say(sender, "no")) == ["Okay, nothing has been deleted."]
    assert rows(
        servers,
        "SELECT count(*) > 0 FROM events WHERE sender_id = :s",
        s=conversation_id("rest", sender),
    ) == [(1,)]


def listening_addresses(port: int):
    """The local addresses that listen on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # LISTEN
                found.add(address)
    return found


def test_both_servers_listen_on_loopback_only(servers):
    """`make run`'s scripts: nothing internal listens beyond 127.0.0.1."""
    for url in (servers.rasa_url, servers.action_url):
        port = int(url.rsplit(":", 1)[1])
        assert listening_addresses(port) == {"0100007F"}, url  # 127.0.0.1, little-endian


def test_no_name_phone_or_message_text_in_the_servers_logs(servers):
    sender = new_sender("logs")
    for message in [
        "I want to book an appointment",
        "yes",
        "Zorawar Khanna",
        "98111 22334",
        "tuesday noon",
        "numbness after sneezing",
        "/affirm",
        "delete my data",
        "yes",
    ]:
        servers.say(sender, message)
    for name, log in servers.logs.items():
        content = log.read_text(errors="replace")
        for secret in ("Zorawar", "98111", "9811122334", "numbness after sneezing", "tuesday noon"):
            assert secret not in content, (name, secret)
