"""The action server's entry point: rasa-sdk's app, reachable only by the Rasa server.

    python -m actions.server [--host 127.0.0.1] [--port 5055] [--actions actions]

(scripts/run_actions.sh, deploy/docker-compose.yml). Before it starts, the libraries'
deprecation notices are silenced (logs.py), and so is rasa_sdk's notice, on every turn of
a form, about each slot that has no validate_<slot> method: the triage form's yes/no
slots are filled by their mappings on purpose.

rasa-sdk 3.6 runs its Sanic app on every interface and answers anyone. This runner
builds the same app (`rasa_sdk.endpoint.create_app`) and adds one request middleware:
every request except `GET /health` must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`
(the shared secret that endpoints.yml makes Rasa send), else 401. Action calls that are
not an action call in form get 400 instead of an exception. It listens on ACTION_HOST
(127.0.0.1 unless set; settings.py) or --host, and turns off rasa-sdk's CORS (no browser
has any business here). Errors are answered and logged without the request's content
(the stock handler echoes the whole tracker back and into the log).
"""

import argparse
import hmac
import json
import logging
import os
import zlib
from typing import TYPE_CHECKING, Any, Optional

import jsonschema

from logs import DropMessages, quiet_libraries
from settings import value

if TYPE_CHECKING:  # imported by guarded_app, after main() has quieted the libraries
    from sanic import Sanic
    from sanic.request import Request
    from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
OPEN_PATHS = {("GET", "/health")}
MAX_BODY = 2 * 1024 * 1024  # a long conversation's tracker is well under this

# What the Rasa server sends (rasa.core.actions.action.RemoteAction): checked only as far
# as rasa-sdk relies on it before an action runs.
ACTION_CALL = {
    "type": "object",
    "required": ["next_action", "tracker"],
    "properties": {
        "next_action": {"type": "string", "minLength": 1, "maxLength": 200},
        "sender_id": {"type": "string"},
        "version": {"type": ["string", "null"]},
        "domain": {"type": "object"},
        "tracker": {
            "type": "object",
            "required": ["sender_id"],
            "properties": {
                "sender_id": {"type": "string"},
                "slots": {"type": "object"},
                "latest_message": {"type": ["object", "null"]},
                "events": {"type": "array", "items": {"type": "object"}},
                "active_loop": {"type": ["object", "null"]},
                "latest_action_name": {"type": ["string", "null"]},
                "latest_input_channel": {"type": ["string", "null"]},
                "paused": {"type": "boolean"},
            },
        },
    },
}


def bearer_matches(header: Optional[str], token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def decoded_body(body: bytes, encoding: Optional[str]) -> Optional[bytes]:
    """The body as sent (Rasa deflates it when COMPRESS_ACTION_SERVER_REQUEST is set), at
    most MAX_BODY + 1 bytes of it; None when it cannot be decoded."""
    if encoding in (None, "", "identity"):
        return body
    if encoding != "deflate":
        return None
    try:
        return zlib.decompressobj().decompress(body, MAX_BODY + 1)
    except zlib.error:
        return None


def action_call_problem(body: bytes) -> Optional[str]:
    """Why `body` is not an action call, or None (no content of the body in the answer)."""
    if len(body) > MAX_BODY:
        return "body too large"
    try:
        call = json.loads(body or b"null")
    except (ValueError, RecursionError):
        return "body is not valid JSON"
    try:
        jsonschema.validate(call, ACTION_CALL)
    except jsonschema.ValidationError as error:
        return (
            "not an action call: " + "/".join(str(p) for p in error.absolute_path)
            if error.absolute_path
            else "not an action call"
        )
    except RecursionError:
        return "body nested too deeply"
    return None


def guarded_app(token: str, actions_package: str = "actions") -> "Sanic":
    """rasa-sdk's app for `actions_package`, refusing requests without `token`."""
    if not token:
        raise ValueError(f"{TOKEN_VARIABLE} is empty: the action server would answer anyone")
    from rasa_sdk.endpoint import create_app
    from sanic import response

    app = create_app(actions_package, cors_origins=None)

    @app.middleware("request")
    async def authenticate(request: "Request") -> "Optional[HTTPResponse]":
        if (request.method, request.path) in OPEN_PATHS:
            return None
        if not bearer_matches(request.headers.get("Authorization"), token):
            return response.json({"error": "unauthorized"}, status=401)
        if request.method == "POST" and request.path == "/webhook":
            body = decoded_body(request.body, request.headers.get("Content-Encoding"))
            problem = "body cannot be decoded" if body is None else action_call_problem(body)
            if problem:
                return response.json({"error": problem}, status=400)
        return None

    @app.exception(Exception)
    async def failed(request: "Request", exception: Exception) -> "HTTPResponse":
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("action request failed: %s", type(exception).__name__)
            logger.debug("action request failure", exc_info=exception)
        return response.json({"error": type(exception).__name__}, status=status)

    return app


def main(argv: Any = None) -> None:
    quiet_libraries()
    logging.getLogger("rasa_sdk.forms").addFilter(DropMessages("Skipping validation for `"))
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default=value("ACTION_HOST"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT") or 5055))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=value("ACTION_LOG_LEVEL"), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = guarded_app(os.environ.get(TOKEN_VARIABLE, ""), args.actions)
    logger.info("Action server on http://%s:%d (token required)", args.host, args.port)
    app.run(args.host, args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
