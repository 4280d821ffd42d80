"""`make run-cluster` (scripts/run_cluster.sh) starts the whole topology and stops it."""

import os
import signal
import time

import pytest
import requests

from harness.processes import ROOT, free_port, start, stop, wait_until_answers
from harness.servers import AUTH_TOKEN

pytestmark = pytest.mark.servers


def test_run_cluster_serves_through_nginx_and_stops_on_ctrl_c(
    nginx, database_url, redis_url, tmp_path
):
    ports = {
        name: free_port()
        for name in (
            "CLUSTER_PORT",
            "CLUSTER_ACTION_PORT",
            "CLUSTER_RASA_PORT_1",
            "CLUSTER_RASA_PORT_2",
            "CLUSTER_ACTION_PORT_1",
            "CLUSTER_ACTION_PORT_2",
            "CONSOLE_PORT",
            "WEB_PORT",
        )
    }
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RASA_AUTH_TOKEN": AUTH_TOKEN,
        "CLUSTER_NGINX_DIR": str(tmp_path / "nginx"),
    }
    env.pop("WHATSAPP_REDIS_URL", None)
    env.pop("ACTION_SERVER_URL", None)
    log = tmp_path / "cluster.log"
    honcho = start([ROOT / "scripts/run_cluster.sh"], env, log)
    url = f"http://127.0.0.1:{ports['CLUSTER_PORT']}"
    try:
        for port in ("CLUSTER_RASA_PORT_1", "CLUSTER_RASA_PORT_2"):
            wait_until_answers(f"http://127.0.0.1:{ports[port]}/", honcho, log, timeout=240)
        wait_until_answers(f"{url}/", honcho, log, timeout=30)
        wait_until_answers(f"http://127.0.0.1:{ports['CONSOLE_PORT']}/", honcho, log, timeout=60)
        replies = requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": "run-cluster-1", "message": "hello"},
            timeout=60,
        ).json()
        assert "not a diagnosis" in replies[0]["text"]
        # the form's actions go through nginx to an action server
        replies = requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": "run-cluster-1", "message": "I want to book an appointment"},
            timeout=60,
        ).json()
        assert "privacy notice" in replies[0]["text"]  # asked by an action: through nginx
        access = (tmp_path / "nginx" / "access.log").read_text()
        assert "POST /webhook " in access  # an action call, proxied by nginx
    finally:
        stop(honcho, timeout=60, sig=signal.SIGINT)  # Ctrl-C
    assert honcho.returncode != -signal.SIGKILL, (
        f"run_cluster.sh did not stop on Ctrl-C:\n{log.read_text()[-3000:]}"
    )
    time.sleep(1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/", timeout=5)
