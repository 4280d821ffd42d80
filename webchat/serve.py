"""Serves the demo page: webchat/site at /, webchat/dist at /dist/, nothing else.

    python webchat/serve.py --port 8080     (scripts/run_web.sh does this)

Standard library only. No directory listings; a strict Content-Security-Policy
(no inline scripts or styles) shows the widget works on a locked-down site.

The page is written the way the hospital's site would embed the widget, with
the defaults (Rasa on http://localhost:5005, emergency number 112). When it is
served, its widget settings and emergency links follow the environment, so
that the page, the widget and the assistant's replies give the same number:

    CHAT_SERVER_URL   the Rasa server the widget talks to
                      (default http://localhost:$RASA_PORT, RASA_PORT default 5005)
    EMERGENCY_NUMBER  the number in the page's emergency links and the widget's
                      `emergencyNumber` (default 112, as in scripts/env.sh)
    CHAT_CONNECT_SRC  widens the policy's connect-src for a chat server elsewhere
    CLINIC_PHONE      the clinic's number in the widget's `clinicPhone` (a Call button while
                      the assistant can't be reached); default: the EXAMPLE number of
                      settings.py, as the assistant's replies use

The widget bundle and the style sheet are sent gzip-compressed to browsers that accept it
(a phone on a slow connection loads a quarter of the bytes).
"""

import argparse
import gzip
import html
import json
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

import settings

COMPRESSED_TYPES = (".js", ".css", ".html", ".txt")

HERE = Path(__file__).resolve().parent
ROOTS = {"/dist/": HERE / "dist", "/": HERE / "site"}
LOCAL = "http://localhost:* ws://localhost:* http://127.0.0.1:* ws://127.0.0.1:*"
DATA_CONFIG = re.compile(r"data-config='([^']*)'")
EMERGENCY_LINK = re.compile(r'<a href="tel:[^"]*" data-emergency-number>[^<]*</a>')
CLINIC_LINK = re.compile(r'<a href="tel:[^"]*" data-clinic-phone>[^<]*</a>')


def content_security_policy() -> str:
    connect = os.environ.get("CHAT_CONNECT_SRC", LOCAL)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {connect}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def page_settings(environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The widget settings the environment overrides in the demo page."""
    env = os.environ if environ is None else environ
    server = env.get("CHAT_SERVER_URL") or f"http://localhost:{env.get('RASA_PORT') or 5005}"
    return {
        "serverUrl": server,
        "emergencyNumber": settings.value("EMERGENCY_NUMBER", env),
        "clinicPhone": settings.value("CLINIC_PHONE", env),
    }


def render_page(text: str, settings: Dict[str, str]) -> str:
    """index.html with `settings` in the widget's data-config and the page's emergency links."""

    def config(match: "re.Match[str]") -> str:
        values = {**json.loads(html.unescape(match.group(1))), **settings}
        encoded = html.escape(json.dumps(values, ensure_ascii=False), quote=False)
        return "data-config='{}'".format(encoded.replace("'", "&#x27;"))

    def tel(number: str, marker: str) -> str:
        dial = re.sub(r"[^\d+]", "", number)
        return f'<a href="tel:{html.escape(dial)}" {marker}>{html.escape(number)}</a>'

    text = EMERGENCY_LINK.sub(
        lambda _: tel(settings["emergencyNumber"], "data-emergency-number"),
        DATA_CONFIG.sub(config, text),
    )
    if settings.get("clinicPhone"):
        text = CLINIC_LINK.sub(lambda _: tel(settings["clinicPhone"], "data-clinic-phone"), text)
    return text


_compressed: Dict[Tuple[str, float], bytes] = {}


def compressed(path: Path) -> bytes:
    """The gzip of a file, made once per version of the file."""
    key = (str(path), path.stat().st_mtime)
    if key not in _compressed:
        _compressed[key] = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
    return _compressed[key]


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
    }

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, root in ROOTS.items():
            if path.startswith(prefix):
                self.directory = str(root)
                return super().translate_path("/" + path[len(prefix) :])
        return super().translate_path(path)

    def accepts_gzip(self) -> bool:
        return "gzip" in (self.headers.get("Accept-Encoding") or "").lower()

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path not in ("/", "/index.html"):
            file = Path(self.translate_path(self.path))
            if file.is_file() and file.suffix in COMPRESSED_TYPES and self.accepts_gzip():
                return self.send_compressed(file)
            return super().send_head()
        body = render_page(
            (ROOTS["/"] / "index.html").read_text(encoding="utf-8"), page_settings()
        ).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return None
        self.wfile.write(body)
        return None

    def send_compressed(self, file: Path):
        body = compressed(file)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def list_directory(self, path):
        self.send_error(404)
        return None

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", content_security_policy())
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    handler = partial(Handler, directory=str(ROOTS["/"]))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"Demo page with the chat widget: http://localhost:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
