"""Headless Chromium for the UI tests and the layout benchmark, through Playwright.

Playwright's own browser download is not used: the system's Chromium is launched by path
(Debian's `chromium` package, or `PROVGRAPH_CHROMIUM`). Without one the tests fail, never
skip, and say how to install it. Each page is watched: console errors, uncaught errors and
any request to a host other than loopback are collected for the test to assert on.

A request beyond loopback is recorded from the context's request events and fails at a
proxy that is not there (`launch`), so the page works as with the network cut. Requests
are not intercepted (`route`): with interception on, Chromium hands each 401's challenge
to Playwright first, and in one CI run the page read a 401 without its JSON body (the
message fell back to the status text). Unintercepted, the browser's own path is tested.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ProxySettings, Request

ARTIFACTS = Path(__file__).parent / "artifacts" / "ui"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_INSTALL = (
    "No Chromium for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install "
    "chromium`) or point PROVGRAPH_CHROMIUM at a Chromium or Chrome executable."
)


# Every request but loopback's goes to a proxy on a port where nothing listens. (Playwright
# sends loopback to a proxy too unless the bypass names it.)
NO_NETWORK = ProxySettings(server="http://127.0.0.1:9", bypass=",".join(sorted(LOOPBACK)))


class NoChromium(RuntimeError):
    pass


def find_chromium(candidates: tuple[str, ...] = CANDIDATES) -> str:
    configured = os.environ.get("PROVGRAPH_CHROMIUM")
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise NoChromium(f"PROVGRAPH_CHROMIUM={configured} is not an executable. {HOW_TO_INSTALL}")
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    raise NoChromium(HOW_TO_INSTALL)


def launch(playwright: Playwright) -> Browser:
    """The system's Chromium, headless, with no way out beyond loopback."""
    return playwright.chromium.launch(
        executable_path=find_chromium(), headless=True, proxy=NO_NETWORK
    )


class WatchedPage:
    """A page whose console errors and non-loopback requests are recorded."""

    def __init__(self, context: BrowserContext, shots: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self.requests: list[str] = []
        self.shots = ARTIFACTS / shots
        context.on("request", self._request)
        self.page: Page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)
        if urlparse(request.url).hostname not in LOOPBACK:
            self.external.append(request.url)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def screenshot(self, step: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
