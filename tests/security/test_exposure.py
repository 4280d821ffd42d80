"""What is reachable from where: in production only socket.io, the WhatsApp and Twilio
webhooks (and the console, on its own port) are public; under `make run` every server
listens on loopback only."""

from pathlib import Path

import yaml

import settings
from cluster.nginx import COMPOSE, render, topology_from_env

ROOT = Path(__file__).resolve().parents[2]


def locations(conf: str, port: int) -> str:
    return conf.split(f":{port};")[1].split("server {")[0]


def test_production_nginx_passes_only_socketio_and_the_webhooks():
    rasa = locations(render(COMPOSE), 5005)
    assert "location /socket.io/ {" in rasa
    assert "location ~ ^/webhooks/(whatsapp|twilio_whatsapp)/ {" in rasa
    assert "location / {\n      return 404;\n    }" in rasa
    assert rasa.count("proxy_pass") == 2


def test_the_loopback_cluster_still_proxies_everything_for_its_tests():
    rasa = locations(render(topology_from_env({})), 5005)
    assert "location / {\n      proxy_pass http://rasa;" in rasa and "return 404" not in rasa


def test_compose_publishes_only_nginx_and_the_console_and_shares_the_action_secret():
    services = yaml.safe_load((ROOT / "deploy/docker-compose.yml").read_text())["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx", "console"}
    for name in ("rasa-1", "actions-1"):
        assert (
            services[name]["environment"]["ACTION_SERVER_TOKEN"]
            == "${ACTION_SERVER_TOKEN:?set ACTION_SERVER_TOKEN}"
        )
    assert services["actions-1"]["entrypoint"] == ["python", "-m", "actions.server"]


def test_make_run_binds_every_server_to_loopback_by_default():
    scripts = {
        name: (ROOT / "scripts" / name).read_text()
        for name in ("run_rasa.sh", "run_actions.sh", "run_console.sh", "run_web.sh")
    }
    # the servers' defaults are settings.py's, which scripts/env.sh exports
    assert settings.DEFAULTS["RASA_INTERFACE"] == settings.DEFAULTS["ACTION_HOST"] == "127.0.0.1"
    assert '--interface "$RASA_INTERFACE"' in scripts["run_rasa.sh"]
    assert '--host "$ACTION_HOST"' in scripts["run_actions.sh"]
    assert '"${CONSOLE_BIND:-127.0.0.1}:' in scripts["run_console.sh"]
    assert '--host "${WEB_HOST:-127.0.0.1}"' in scripts["run_web.sh"]
    procfile = (ROOT / "Procfile").read_text()
    assert "rasa run actions" not in procfile and "0.0.0.0" not in procfile
