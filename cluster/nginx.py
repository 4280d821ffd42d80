"""Render cluster/nginx.conf.template for a set of Rasa replicas and action servers.

    python -m cluster.nginx --out var/cluster/nginx.conf   # settings from the environment

Environment (defaults are the `make run-cluster` topology): CLUSTER_HOST (127.0.0.1),
CLUSTER_PORT (5005), CLUSTER_ACTION_PORT (5055), CLUSTER_RASA_SERVERS
("127.0.0.1:5011 127.0.0.1:5012"), CLUSTER_ACTION_SERVERS ("127.0.0.1:5061 127.0.0.1:5062"),
CLUSTER_NGINX_DIR (var/cluster: pid, logs and temporary files).
"""

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HEADER = "# Generated from cluster/nginx.conf.template by cluster/nginx.py: edit those.\n"


@dataclass(frozen=True)
class Topology:
    rasa_servers: Sequence[str]
    action_servers: Sequence[str]
    listen_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    pid_file: str = "nginx.pid"
    error_log: str = "error.log"
    access_log: str = "access.log"
    temp_dir: str = "tmp"
    # public: only socket.io and the WhatsApp and Twilio webhooks reach Rasa; the REST
    # channel and the HTTP API stay on the internal network (the compose topology)
    public: bool = False


PUBLIC_WEBHOOKS = "~ ^/webhooks/(whatsapp|twilio_whatsapp)/"
PUBLIC_ONLY = """
    # Nothing else of the Rasa server is public: the REST channel and the HTTP API
    # (/model, /conversations, ...) answer only on the internal network.
    location / {
      return 404;
    }
"""


def _servers(addresses: Sequence[str]) -> str:
    if not addresses:
        raise ValueError("an upstream needs at least one server")
    return "\n".join(f"    server {a} max_fails=1 fail_timeout=10s;" for a in addresses)


def render(topology: Topology, template: Optional[str] = None) -> str:
    """The nginx configuration for `topology`; fails on any placeholder left unfilled."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    values = {
        "RASA_SERVERS": _servers(topology.rasa_servers),
        "ACTION_SERVERS": _servers(topology.action_servers),
        "LISTEN_HOST": topology.listen_host,
        "RASA_LISTEN_PORT": str(topology.rasa_port),
        "ACTION_LISTEN_PORT": str(topology.action_port),
        "PID_FILE": topology.pid_file,
        "ERROR_LOG": topology.error_log,
        "ACCESS_LOG": topology.access_log,
        "TEMP_DIR": topology.temp_dir,
        "RASA_LOCATION": PUBLIC_WEBHOOKS if topology.public else "/",
        "PUBLIC_ONLY": PUBLIC_ONLY if topology.public else "",
    }

    def fill(match: "re.Match") -> str:
        if match.group(1) not in values:
            raise KeyError(f"unknown placeholder {match.group(0)} in the nginx template")
        return values[match.group(1)]

    return HEADER + re.sub(r"\{\{([A-Z_]+)\}\}", fill, text)


def topology_from_env(env: Mapping[str, str]) -> Topology:
    """The loopback topology, overridden by the CLUSTER_* variables of `env`."""
    directory = Path(env.get("CLUSTER_NGINX_DIR", "var/cluster")).resolve()
    return Topology(
        rasa_servers=env.get("CLUSTER_RASA_SERVERS", "127.0.0.1:5011 127.0.0.1:5012").split(),
        action_servers=env.get("CLUSTER_ACTION_SERVERS", "127.0.0.1:5061 127.0.0.1:5062").split(),
        listen_host=env.get("CLUSTER_HOST", "127.0.0.1"),
        rasa_port=int(env.get("CLUSTER_PORT", "5005")),
        action_port=int(env.get("CLUSTER_ACTION_PORT", "5055")),
        pid_file=str(directory / "nginx.pid"),
        error_log=str(directory / "error.log"),
        access_log=str(directory / "access.log"),
        temp_dir=str(directory / "tmp"),
    )


# The docker compose topology (deploy/docker-compose.yml): same upstreams, service names.
COMPOSE = Topology(
    rasa_servers=["rasa-1:5005", "rasa-2:5005"],
    action_servers=["actions-1:5055", "actions-2:5055"],
    listen_host="0.0.0.0",
    pid_file="/tmp/nginx.pid",
    error_log="/dev/stderr",
    access_log="/dev/stdout",
    temp_dir="/tmp",
    public=True,
)


def write(topology: Topology, out: Path) -> Path:
    """Render into `out`, creating its temporary-file folder next to it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if topology is not COMPOSE:
        Path(topology.temp_dir).mkdir(parents=True, exist_ok=True)
    out.write_text(render(topology), encoding="utf-8")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--compose",
        action="store_true",
        help="render the docker compose topology (deploy/nginx.conf)",
    )
    args = parser.parse_args(argv)
    write(COMPOSE if args.compose else topology_from_env(os.environ), args.out)
    print(args.out)


if __name__ == "__main__":
    main()
