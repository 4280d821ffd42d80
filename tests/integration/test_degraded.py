"""The production setup and failure modes: PostgreSQL tracker store, action server down."""

import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text

from harness.servers import assistant_servers

pytestmark = pytest.mark.servers


def test_emergency_advice_is_delivered_with_the_action_server_down(tmp_path):
    with assistant_servers(tmp_path, with_actions=False) as servers:
        for sender, message, opening in [
            ("down-1", "I can't control my bladder", "⚠️ You mentioned"),
            ("down-2", "पैर सुन्न हो गए हैं", "⚠️ आपने बताया"),  # answered in Hindi
        ]:
            replies = servers.say(sender, message)
            assert replies[0]["text"].startswith(opening)
            assert "112" in replies[0]["text"]
        servers.say("down-3", "what is kyphoplasty")
        assert servers.say("down-3", "chest pain since the vertebroplasty")[0]["text"].startswith(
            "⚠️"
        )


@pytest.fixture
def postgres_database():
    name = f"assistant_test_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=True)


def test_conversations_and_requests_are_stored_in_postgresql(tmp_path, postgres_database):
    with assistant_servers(tmp_path, extra_env={"DATABASE_URL": postgres_database}) as servers:
        servers.say("pg-patient", "hello")
        servers.say("pg-patient", "mujhe bukhar hai aur kamar dard")
    engine = create_engine(postgres_database)
    with engine.connect() as connection:
        kinds = connection.execute(
            text(
                "select type_name, intent_name, action_name from events "
                "where sender_id = 'rest:pg-patient' order by id"
            )
        ).fetchall()
    assert ("user", "greet", None) in kinds
    assert ("user", "red_flag_urgent", None) in kinds
    assert ("action", None, "utter_urgent_advice") in kinds
    assert ("action", None, "action_record_escalation") in kinds
    engine.dispose()
