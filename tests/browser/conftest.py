"""Fixtures for the chat widget's browser tests: the real Rasa and action
servers, the demo page server (scripts/run_web.sh) and headless Chromium,
each started once for the whole module.

Needs /usr/bin/chromium (scripts/ensure_chromium.sh) and axe-core from
`npm ci --prefix webchat` (scripts/ensure_webchat.sh); both are checked up
front with a clear message.
"""

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import Locator, Page, expect, sync_playwright

from contract import conversation_id
from harness.processes import ROOT, free_port, running
from harness.servers import AUTH_TOKEN, assistant_servers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = ROOT / "webchat" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"  # `make docs` copies them into docs/
REPLY_TIMEOUT_MS = 90_000  # the first answers of a freshly started server can be slow on 2 cores
# Not the default (112), so the tests see the configured number reach the bot's
# replies, the emergency notice, the "unreachable" state and the page. 102 is
# Delhi's ambulance number.
EMERGENCY_NUMBER = "102"

# Reports every use of localStorage and every cookie written, by the widget or
# anything else on the page, to the test (window.__chatStorageUse, see new_chat).
WATCH_STORAGE = """
(() => {
  const report = (what) => { try { window.__chatStorageUse(what); } catch (e) {} };
  const watch = (owner, name, onGet, onSet) => {
    let proto = owner, d;
    while (proto && !(d = Object.getOwnPropertyDescriptor(proto, name))) {
      proto = Object.getPrototypeOf(proto);
    }
    if (!d || !d.configurable) { report(`cannot watch ${name}`); return; }
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: d.enumerable,
      get() { if (onGet) report(onGet); return d.get.call(this); },
      set: d.set && function (value) { if (onSet) report(onSet); d.set.call(this, value); },
    });
  };
  watch(window, "localStorage", "localStorage used");
  watch(Document.prototype, "cookie", null, "cookie written");
})();
"""


@contextmanager
def demo_page(port: int, rasa_url: str, log: Path) -> Iterator[str]:
    """The demo page on `port`, served the way `make run` serves it, talking to `rasa_url`."""
    env = {
        **os.environ,
        "WEB_PORT": str(port),
        "CHAT_SERVER_URL": rasa_url,
        "EMERGENCY_NUMBER": EMERGENCY_NUMBER,
    }
    url = f"http://localhost:{port}/"
    with running([ROOT / "scripts" / "run_web.sh"], env, log, probe=url, timeout=30):
        yield url


@pytest.fixture(scope="module")
def web_port() -> int:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/ensure_webchat.sh (npm ci in webchat/)")
    return free_port()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, web_port):
    """Rasa and the action server, accepting sockets only from the demo page's origins."""
    origins = f"http://localhost:{web_port} http://127.0.0.1:{web_port}"
    with assistant_servers(
        tmp_path_factory.mktemp("webchat-servers"),
        extra_env={
            "ALLOWED_ORIGINS": origins,
            "EMERGENCY_NUMBER": EMERGENCY_NUMBER,
            "HOSPITAL_EMERGENCY_LINE": "",
        },
    ) as running:
        yield running


@pytest.fixture(scope="module")
def site(tmp_path_factory, web_port, servers) -> Iterator[str]:
    """The demo page at an allowed origin."""
    log = tmp_path_factory.mktemp("webchat-site") / "web.log"
    with demo_page(web_port, servers.rasa_url, log) as url:
        yield url


@pytest.fixture(scope="module")
def foreign_site(tmp_path_factory, servers) -> Iterator[str]:
    """The same page at an origin that is not in ALLOWED_ORIGINS."""
    log = tmp_path_factory.mktemp("webchat-foreign-site") / "web.log"
    with demo_page(free_port(), servers.rasa_url, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Chat:
    """The demo page with the widget, seen the way a visitor uses it."""

    def __init__(self, page: Page, url: str, servers) -> None:
        self.page, self.url, self.servers = page, url, servers
        self.dialogs: List[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        # Playwright's CSS locators see into the widget's open shadow root.
        self.launcher = page.locator(".sc-launcher")
        self.panel = page.locator(".sc-panel")
        self.input = page.locator(".sc-input")
        self.status = page.locator(".sc-status")
        self.alert = page.locator(".sc-alert")
        self.page_alert = page.locator(".sc-page-alert")
        self.bot = page.locator(".sc-msg--bot")
        self.user = page.locator(".sc-msg--user")

    def goto(self) -> "Chat":
        self.page.goto(self.url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.input).to_be_focused()

    def wait_for_greeting(self) -> None:
        expect(self.bot.filter(has_text="not a diagnosis")).to_have_count(
            1, timeout=REPLY_TIMEOUT_MS
        )
        self.wait_until_idle()

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def ask(self, text: str, expected: str) -> None:
        """Say `text` and wait for an answer containing `expected`."""
        before = self.bot.count()
        self.say(text)
        expect(self.bot.nth(before)).to_contain_text(expected, timeout=REPLY_TIMEOUT_MS)
        self.wait_until_idle()

    def wait_until_idle(self) -> None:
        """The server has acknowledged everything sent (all replies are in)."""
        self.page.wait_for_function(
            "() => { const s = JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)"
            ".find(k => k.startsWith('spine-chat:')))); return s.outbox.length === 0; }",
            timeout=REPLY_TIMEOUT_MS,
        )
        expect(self.page.locator(".sc-typing")).to_be_hidden()

    def stored(self) -> Dict:
        return self.page.evaluate(
            "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)"
            ".find(k => k.startsWith('spine-chat:'))))"
        )

    def shadow(self, script: str):
        """Evaluate `script` (a function of the shadow root) in the page."""
        return self.page.evaluate(
            f"() => ({script})(document.getElementById('spine-chat-widget').shadowRoot)"
        )

    def focused_class(self) -> str:
        """The class of the focused element inside the widget ('' if the focus is elsewhere)."""
        return self.page.evaluate(
            "() => { const host = document.activeElement;"
            " if (!host || host.id !== 'spine-chat-widget') return '';"
            " const el = host.shadowRoot.activeElement; return el ? el.className : ''; }"
        )

    def tracker(self) -> Dict:
        conversation = conversation_id("socketio", self.stored()["sessionId"])
        response = requests.get(
            f"{self.servers.rasa_url}/conversations/{conversation}/tracker",
            params={"token": AUTH_TOKEN},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def platform_fonts(self, selector: str) -> List[str]:
        """The fonts Chromium actually drew the text of the widget's `selector` with."""
        cdp = self.page.context.new_cdp_session(self.page)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
            found = cdp.send(
                "Runtime.evaluate",
                {
                    "expression": (
                        "document.getElementById('spine-chat-widget').shadowRoot"
                        f".querySelector({selector!r})"
                    )
                },
            )
            node = cdp.send("DOM.requestNode", {"objectId": found["result"]["objectId"]})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            return [font["familyName"] for font in fonts if font["glyphCount"] > 0]
        finally:
            cdp.detach()

    def axe_violations(self) -> List[Dict]:
        """axe-core's serious and critical violations on the whole page, widget included."""
        results = self.page.evaluate(
            """async () => {
                 const r = await axe.run(document, {resultTypes: ['violations']});
                 return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.map(n => JSON.stringify(n.target)).slice(0, 5)}));
               }"""
        )
        for violation in results:
            print(
                "axe:",
                violation["impact"],
                violation["id"],
                violation["help"],
                violation["targets"],
            )
        return [v for v in results if v["impact"] in ("serious", "critical")]


@pytest.fixture
def new_chat(browser, site, servers):
    """Opens the demo page in a fresh browser context (its own sessionStorage).

    At the end, fails if anything on the page used localStorage or wrote a cookie.
    """
    contexts = []
    storage_uses: List[str] = []

    def make(
        width: int = 1280, height: int = 800, config: Dict = None, url: str = None, **options
    ) -> Chat:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        context.expose_function("__chatStorageUse", lambda what: storage_uses.append(what))
        context.add_init_script(WATCH_STORAGE)
        if config:  # settings in JavaScript win over the page's data-config
            context.add_init_script(f"window.SpineChatConfig = {json.dumps(config)};")
        context.add_init_script(path=str(AXE))  # init scripts are not subject to the page's CSP
        return Chat(context.new_page(), url or site, servers).goto()

    yield make
    cookies = [cookie for context in contexts for cookie in context.cookies()]
    for context in contexts:
        context.close()
    assert storage_uses == [], "the page used localStorage or cookies"
    assert cookies == []


def visible_in_viewport(locator: Locator, width: int, height: int) -> bool:
    box = locator.bounding_box()
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )
