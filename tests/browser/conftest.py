"""Fixtures for the real-browser suite: Chromium, the page and API servers, one session per test.

Chromium absent: the tests skip with the reason, except under ``CI=true`` where a missing browser
is a broken CI set-up and fails them. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from .driver import CHROMIUM_ARGS, Session, find_chromium
from .servers import Recorder, ServerThread, page_app

HERE = Path(__file__).parent
_suite_started: list[float] = []


def pytest_configure(config: pytest.Config) -> None:
    # Until pyproject.toml registers it (--strict-markers is on).
    config.addinivalue_line("markers", "browser: drives headless Chromium against live loopback servers")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _suite_started:
        terminalreporter.write_line(f"browser suite: {time.monotonic() - _suite_started[0]:.1f} s wall time")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must install it (.ci/run: apt-get install -y chromium)", pytrace=False)
    pytest.skip(f"{reason}; install it with `apt-get install -y chromium` to run the browser tests")


@dataclass(frozen=True)
class Origins:
    """The origins of a session. Pages A and B are same-site (they share the HTTP cache) but
    cross-origin with each other and with the API; ``api_alt`` is the API under another host name."""

    page_a: str
    page_b: str
    localhost_page: str
    subdomain_page: str
    api: str
    api_alt: str


@pytest.fixture(scope="session")
def live_servers() -> Iterator[tuple[Origins, Recorder]]:
    recorder = Recorder()
    page_a, page_b, api = ServerThread(page_app), ServerThread(page_app), ServerThread(recorder)
    origins = Origins(
        page_a=f"http://127.0.0.1:{page_a.port}",
        page_b=f"http://127.0.0.1:{page_b.port}",
        localhost_page=f"http://localhost:{page_a.port}",
        subdomain_page=f"http://app.localhost:{page_a.port}",
        api=f"http://127.0.0.1:{api.port}",
        api_alt=f"http://localhost:{api.port}",
    )
    yield origins, recorder
    for server in (page_a, page_b, api):
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole session, driven by Playwright."""
    _suite_started.append(time.monotonic())
    executable = find_chromium()
    if executable is None:
        _unavailable("Chromium is not installed (no /usr/bin/chromium, none on PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -e '.[browser]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def origins(live_servers: tuple[Origins, Recorder]) -> Origins:
    return live_servers[0]


@pytest.fixture
def api(live_servers: tuple[Origins, Recorder]) -> Recorder:
    """Mount a scenario's WSGI app with ``api.mount(name, app)``; read what it saw with ``api.exchanges(name)``."""
    return live_servers[1]


@pytest.fixture(scope="session")
def shared_session(chromium: Any, live_servers: tuple[Origins, Recorder]) -> Iterator[Session]:
    origins, recorder = live_servers
    session = Session(chromium, recorder, origins.api)
    yield session
    session.close()


@pytest.fixture
def browser(shared_session: Session) -> Session:
    """Pages in the session-wide context, reused across scenarios (each scenario has its own URLs)."""
    return shared_session


@pytest.fixture
def fresh_browser(chromium: Any, live_servers: tuple[Origins, Recorder]) -> Iterator[Session]:
    """A fresh incognito context: no cookies, an empty HTTP cache and an empty preflight cache."""
    origins, recorder = live_servers
    session = Session(chromium, recorder, origins.api)
    yield session
    session.close()
