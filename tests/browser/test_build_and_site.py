"""The chat widget's build and the demo page's server, without a browser.

* webchat/dist (committed, served as it is) is exactly what webchat/src builds to.
* The bundle uses none of the APIs the widget must not use.
* webchat/serve.py serves the page and the widget only, with the environment's
  settings in the page.
"""

import http.client
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

from harness.processes import ROOT

WEBCHAT = ROOT / "webchat"


@pytest.mark.browser  # the widget's toolchain (scripts/ensure_webchat.sh)
def test_dist_is_what_src_builds_to():
    if shutil.which("node") is None or not (WEBCHAT / "node_modules" / "esbuild").exists():
        pytest.fail("Node and webchat/node_modules are needed: run scripts/ensure_webchat.sh")
    result = subprocess.run(
        ["node", "build.mjs", "--check"], cwd=WEBCHAT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_bundle_has_no_html_injection_storage_or_eval():
    bundle = (WEBCHAT / "dist" / "chat-widget.js").read_text(encoding="utf-8")
    forbidden = (
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage"
        r"|document\.cookie|\beval\(|new Function"
    )
    assert re.findall(forbidden, bundle) == []
    for source in (WEBCHAT / "src").glob("*.js"):
        code = "\n".join(
            line
            for line in source.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("//")
        )
        assert re.findall(forbidden, code) == [], source.name


def test_the_page_follows_the_environment():
    from webchat.serve import page_settings, render_page

    page = (WEBCHAT / "site" / "index.html").read_text(encoding="utf-8")
    assert page_settings({}) == {
        "serverUrl": "http://localhost:5005",
        "emergencyNumber": "112",
        "clinicPhone": "+91 11 4000 0000",
    }
    assert page_settings({"CLINIC_PHONE": "011 4055 5000"})["clinicPhone"] == "011 4055 5000"
    settings = page_settings({"RASA_PORT": "5999", "EMERGENCY_NUMBER": "+91 11 2345 6789"})
    rendered = render_page(page, settings)
    assert '"serverUrl": "http://localhost:5999"' in rendered
    assert '"emergencyNumber": "+91 11 2345 6789"' in rendered
    assert '"title": "Spine clinic assistant"' in rendered  # the rest as written
    assert (
        rendered.count('<a href="tel:+911123456789" data-emergency-number>+91 11 2345 6789</a>')
        == 2
    )
    assert "tel:112" not in rendered
    assert '"clinicPhone": "+91 11 4000 0000"' in render_page(page, page_settings({}))
    clinic = render_page(page, {**settings, "clinicPhone": "011 4055 5000"})
    assert '<a href="tel:01140555000" data-clinic-phone>011 4055 5000</a>' in clinic
    assert "Example contact details" in page  # the demo's values are marked as examples
    quoted = render_page(
        page,
        {"serverUrl": "https://x.example/'><script>", "emergencyNumber": "1", "clinicPhone": ""},
    )
    assert "<script>'" not in quoted and "&lt;script&gt;" in quoted


@pytest.fixture(scope="module")
def demo_server():
    from webchat.serve import ROOTS, Handler

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(ROOTS["/"])))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, path: str, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})  # sent as written: no normalising of ..
    response = connection.getresponse()
    return response.status, response.headers, response.read()  # headers: any case


def test_serves_the_page_and_the_widget_with_a_strict_policy(demo_server):
    status, headers, body = get(demo_server, "/")
    assert status == 200 and b"chat-widget.js" in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = get(demo_server, "/dist/chat-widget.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert get(demo_server, "/site.css")[0] == 200


def test_the_widget_bundle_is_sent_compressed_to_browsers_that_accept_it(demo_server):
    import gzip

    bundle = (WEBCHAT / "dist" / "chat-widget.js").read_bytes()
    status, headers, body = get(
        demo_server, "/dist/chat-widget.js", {"Accept-Encoding": "gzip, deflate, br"}
    )
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding" and int(headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == bundle and len(body) < len(bundle) / 2
    assert headers["Content-Type"].startswith("text/javascript")
    status, headers, body = get(demo_server, "/dist/chat-widget.js")  # no gzip asked for
    assert status == 200 and "Content-Encoding" not in headers and body == bundle
    assert get(demo_server, "/../serve.py", {"Accept-Encoding": "gzip"})[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/dist/",
        "/serve.py",
        "/../serve.py",
        "/dist/../serve.py",
        "/dist/../../README.md",
        "/%2e%2e/serve.py",
        "/../src/widget.js",
        "/../node_modules/axe-core/axe.js",
    ],
)
def test_serves_nothing_else(demo_server, path):
    assert get(demo_server, path)[0] == 404
