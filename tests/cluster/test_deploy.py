"""The deployment files mirror the tested loopback topology, and Compose accepts them."""
import shutil
import subprocess

import pytest
import yaml

from cluster.nginx import COMPOSE, Topology, render, topology_from_env
from tests.servers import ROOT

COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


def compose_command():
    """`docker compose`, or Debian's docker-compose (scripts/ensure_compose.sh installs it)."""
    if shutil.which("docker") is None:
        pytest.skip("the docker client is not installed, so `docker compose config` cannot run "
                    "(the structure of the compose file is still checked by the other tests)")
    result = subprocess.run([str(ROOT / "scripts/ensure_compose.sh")], capture_output=True,
                            text=True)
    if result.returncode != 0:
        pytest.fail(f"docker is installed but no Compose is available:\n{result.stderr}",
                    pytrace=False)
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"]


def test_docker_compose_config_accepts_the_file():
    command = [*compose_command(), "-f", str(COMPOSE_FILE), "--env-file", str(ENV_EXAMPLE),
               "config"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"nginx", "rasa-1", "rasa-2", "actions-1", "actions-2", "postgres", "redis",
            "prepare", "console"} <= set(services)


def test_docker_compose_config_refuses_missing_secrets(tmp_path):
    env = tmp_path / "env"
    env.write_text("\n".join(line for line in ENV_EXAMPLE.read_text().splitlines()
                             if not line.startswith("RASA_AUTH_TOKEN=")))
    command = [*compose_command(), "-f", str(COMPOSE_FILE), "--env-file", str(env), "config"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/local/bin:/usr/bin:/bin"})
    assert result.returncode != 0
    assert "RASA_AUTH_TOKEN" in result.stderr


def test_compose_uses_the_official_images_and_the_cluster_endpoints():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "FROM rasa/rasa:3.6.21 AS rasa" in dockerfile
    assert "FROM rasa/rasa-sdk:3.6.2 AS actions" in dockerfile
    services = compose["services"]
    for name in ("rasa-1", "rasa-2"):
        assert services[name]["build"]["target"] == "rasa"
        assert "--endpoints cluster/endpoints.yml" in services[name]["command"][0]
        assert services[name]["environment"]["ACTION_SERVER_URL"] == "http://nginx:5055/webhook"
    for name in ("actions-1", "actions-2"):
        assert services[name]["build"]["target"] == "actions"
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]


def test_compose_nginx_conf_is_the_rendered_template():
    """deploy/nginx.conf is the tested template with the compose service names."""
    expected = render(COMPOSE)
    assert (ROOT / "deploy" / "nginx.conf").read_text() == expected, (
        "deploy/nginx.conf is stale: .venv/bin/python -m cluster.nginx --compose "
        "--out deploy/nginx.conf")
    for server in ("rasa-1:5005", "rasa-2:5005", "actions-1:5055", "actions-2:5055"):
        assert f"server {server} " in expected


def test_rendered_configs_pass_nginx_t(nginx, tmp_path):
    env = {"CLUSTER_NGINX_DIR": str(tmp_path), "CLUSTER_PORT": "5290"}
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(topology_from_env(env)))
    (tmp_path / "tmp").mkdir()
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # the upstream list may not be empty, and a stray placeholder is an error
    with pytest.raises(ValueError):
        render(Topology(rasa_servers=[], action_servers=["a:1"]))
    with pytest.raises(KeyError):
        render(COMPOSE, template="listen {{NOPE}};")


def test_posts_are_never_replayed_to_another_replica():
    conf = render(COMPOSE)
    webhooks = conf.split("proxy_pass http://rasa;")[1].split("}")[0]  # the public webhooks
    assert "proxy_next_upstream error timeout;" in webhooks
    assert "non_idempotent" not in conf
    socketio = conf.split("location /socket.io/ {")[1].split("}")[0]
    assert "proxy_pass http://rasa_socketio;" in socketio
    assert "ip_hash;" in conf.split("upstream rasa_socketio {")[1].split("}")[0]
