"""The deployment files: images with what their processes import and read, compose files
that mirror the tested loopback topology, and Compose's own check of them.

deploy/Dockerfile is read with dockerfile-parse (what Docker would build), not matched line
by line: each stage starts from the official image at the version requirements.lock pins,
copies every project module that its process imports (found by reading the imports of the
code it copies), the files it reads at run time, and runs as a user other than root.

`docker compose config` needs a docker client. Without one, the tests marked `docker` are
skipped with that reason printed in the summary, and the session's header says so
(tests/conftest.py).
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from cluster.nginx import COMPOSE, Topology, render, topology_from_env
from harness.processes import ROOT

COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
DOCKER = shutil.which("docker")
needs_docker = pytest.mark.skipif(
    DOCKER is None,
    reason="no docker client on this machine: `docker compose config` cannot check deploy/",
)
FIRST_PARTY = {
    "assistant",
    "actions",
    "channels",
    "redflags",
    "console",
    "cluster",
    "contract",
    "settings",
    "tables",
    "logs",
}
# What each stage's process starts from (Rasa loads the components named in config.yml,
# endpoints and credentials), and the files it reads at run time.
ENTRY = {
    "rasa": {
        "modules": ["assistant", "channels", "redflags", "cluster"],
        "files": [
            "config.yml",
            "credentials.yml",
            "cluster/endpoints.yml",
            "models/assistant.tar.gz",
        ],
    },
    "actions": {"modules": ["actions"], "files": []},
    # console/settings.py: CONSOLE_NLU_DIR = data/nlu (the intents an annotation may take)
    "console": {"modules": ["console"], "files": ["data/nlu/basics.yml"]},
}
OFFICIAL = {"rasa": ("rasa/rasa", "rasa"), "actions": ("rasa/rasa-sdk", "rasa-sdk")}


def pinned(package: str) -> str:
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.lower() == package:
            return version
    raise KeyError(package)


def stages() -> Dict[str, dict]:
    """{stage name: {"from": image, "copies": [(source, destination)], "user": ...}}."""
    parser = DockerfileParser(path=str(ROOT / "deploy" / "Dockerfile"))
    found: Dict[str, dict] = {}
    current: dict = {}
    for instruction in parser.structure:
        kind, value = instruction["instruction"], instruction["value"]
        if kind == "FROM":
            image, name = re.split(r"\s+AS\s+", value, flags=re.IGNORECASE)[0], value.split()[-1]
            current = found.setdefault(
                name,
                {"from": image.strip(), "copies": [], "env": {}, "user": "root", "workdir": "/"},
            )
        elif kind == "COPY":
            *sources, target = value.split()
            current["copies"].extend((s, target) for s in sources if not s.startswith("--"))
        elif kind == "ENV":
            current["env"].update(dict(re.findall(r"(\w+)=(\S+)", value)))
        elif kind == "USER":
            current["user"] = value.strip()
        elif kind == "WORKDIR":
            current["workdir"] = value.strip()
    return found


def copied(stage: dict) -> Set[str]:
    """The repository paths (files) a stage's COPY instructions bring in."""
    paths = set()
    for source, _ in stage["copies"]:
        path = ROOT / source.rstrip("/")
        if path.is_dir():
            paths.update(p.relative_to(ROOT).as_posix() for p in path.rglob("*") if p.is_file())
        elif path.exists():
            paths.add(source)
    return paths


def imports_of(path: Path) -> Set[str]:
    """First-party top-level modules that the Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & FIRST_PARTY


def module_files(name: str) -> List[Path]:
    package = ROOT / name
    if package.is_dir():
        return [p for p in package.rglob("*.py") if "migrations" not in p.parts]
    return [ROOT / f"{name}.py"]


def needed_modules(entry: List[str]) -> Set[str]:
    """The first-party modules reachable from `entry` through imports."""
    needed, todo = set(), list(entry)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for path in module_files(name):
            todo.extend(imports_of(path) - needed)
    return needed


@pytest.mark.parametrize("name", sorted(ENTRY))
def test_each_image_copies_what_its_process_imports_and_reads(name):
    stage = stages()[name]
    files = copied(stage)
    for module in sorted(needed_modules(ENTRY[name]["modules"])):
        wanted = {p.relative_to(ROOT).as_posix() for p in module_files(module)}
        assert wanted <= files, f"the {name} image lacks {module}: {sorted(wanted - files)[:3]}"
    for path in ENTRY[name]["files"]:
        assert path in files, f"the {name} image lacks {path}"
    assert stage["env"].get("PYTHONPATH") == stage["workdir"] == "/app"


@pytest.mark.parametrize("name", sorted(ENTRY))
def test_each_image_is_official_at_the_pinned_version_and_not_root(name):
    stage = stages()[name]
    if name in OFFICIAL:
        image, package = OFFICIAL[name]
        assert stage["from"] == f"{image}:{pinned(package)}"
    else:
        python = f"{sys.version_info.major}.{sys.version_info.minor}"
        assert stage["from"] == f"python:{python}-slim"
    assert stage["user"] not in ("root", "0", "")


def test_compose_builds_each_service_from_its_stage_with_the_cluster_endpoints():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    services, targets = compose["services"], set(stages())
    for name in ("rasa-1", "rasa-2"):
        assert services[name]["build"]["target"] == "rasa"
        assert "--endpoints cluster/endpoints.yml" in services[name]["command"][0]
        assert services[name]["environment"]["ACTION_SERVER_URL"] == "http://nginx:5055/webhook"
    for name in ("actions-1", "actions-2"):
        assert services[name]["build"]["target"] == "actions"
    assert services["console"]["build"]["target"] == "console"
    assert {s["build"]["target"] for s in services.values() if "build" in s} <= targets
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]


def compose_command() -> List[str]:
    """`docker compose`, or Debian's docker-compose (scripts/test.sh provides one where a
    docker client exists: scripts/ensure_compose.sh)."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail(
        "docker is installed but no Compose is: run scripts/ensure_compose.sh", pytrace=False
    )


@pytest.mark.docker
@needs_docker
def test_docker_compose_config_accepts_the_file():
    command = [
        *compose_command(),
        "-f",
        str(COMPOSE_FILE),
        "--env-file",
        str(ENV_EXAMPLE),
        "config",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {
        "nginx",
        "rasa-1",
        "rasa-2",
        "actions-1",
        "actions-2",
        "postgres",
        "redis",
        "prepare",
        "console",
    } <= set(services)


@pytest.mark.docker
@needs_docker
def test_docker_compose_config_refuses_missing_secrets(tmp_path):
    env = tmp_path / "env"
    env.write_text(
        "\n".join(
            line
            for line in ENV_EXAMPLE.read_text().splitlines()
            if not line.startswith("RASA_AUTH_TOKEN=")
        )
    )
    command = [*compose_command(), "-f", str(COMPOSE_FILE), "--env-file", str(env), "config"]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "RASA_AUTH_TOKEN" in result.stderr


def test_compose_nginx_conf_is_the_rendered_template():
    """deploy/nginx.conf is the tested template with the compose service names."""
    expected = render(COMPOSE)
    assert (ROOT / "deploy" / "nginx.conf").read_text() == expected, (
        "deploy/nginx.conf is stale: make docs"
    )
    for server in ("rasa-1:5005", "rasa-2:5005", "actions-1:5055", "actions-2:5055"):
        assert f"server {server} " in expected


def test_rendered_configs_pass_nginx_t(nginx, tmp_path):
    env = {"CLUSTER_NGINX_DIR": str(tmp_path), "CLUSTER_PORT": "5290"}
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(topology_from_env(env)))
    (tmp_path / "tmp").mkdir()
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
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


def test_the_stage_reader_sees_a_missing_copy(tmp_path, monkeypatch):
    """The checks above can fail: a stage without the red-flag detector is caught."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    broken = tmp_path / "Dockerfile"
    broken.write_text(dockerfile.replace("COPY redflags/ redflags/", "# no detector"))
    real = DockerfileParser
    monkeypatch.setattr(
        sys.modules[__name__], "DockerfileParser", lambda path: real(path=str(broken))
    )
    with pytest.raises(AssertionError, match="lacks redflags"):
        test_each_image_copies_what_its_process_imports_and_reads("rasa")
