"""Drive headless Chromium with Playwright and judge every fetch twice: by the browser, by the oracle.

Playwright for Python drives Debian's ``/usr/bin/chromium`` over the DevTools protocol
(``executable_path``; ``playwright install`` is never run, nothing is downloaded). One browser
process serves the whole session; a test gets a fresh incognito context (its own cookies,
HTTP cache and preflight cache) when it needs one; the others share a session-wide context whose
pages are reused (scenarios never share a URL, so they never share a cache entry).

:meth:`Tab.fetch` runs ``fetch()`` in the page and returns an :class:`Outcome`: what JavaScript
saw, Chromium's console error when the fetch was blocked, the exchanges the API server recorded
for this fetch, and the oracle's verdict on those same raw responses
(:func:`oracle_verdicts`). :meth:`Outcome.assert_agrees` checks that the two judges agree.
Nothing waits on a clock: a fetch's promise settles after every request it made was answered,
and a blocked fetch's console line is awaited as an event (with a bound).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from wsgi_cors.testing import Verdict, check_preflight, check_response

from .servers import Exchange, Recorder

CHROMIUM_ARGS = [
    # Playwright adds --headless and a fresh temporary --user-data-dir itself.
    "--no-sandbox",  # we run as root; Chromium's sandbox refuses root
    "--disable-gpu",
    "--disable-background-networking",  # this machine has no network: no update pings, no DNS probes
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Every Playwright action gives up after this; a healthy scenario takes well under a second.
ACTION_TIMEOUT_MS = 10_000
# How long a blocked fetch may take to report its console error after the promise rejected.
CONSOLE_TIMEOUT_MS = 3_000


def find_chromium() -> Optional[str]:
    """Debian's Chromium, or any ``chromium`` on PATH (``CHROMIUM`` overrides)."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None


@dataclass
class JsResult:
    """What JavaScript saw: a response, or the ``TypeError`` of a blocked fetch."""

    ok: bool
    status: Optional[int]
    headers: list[tuple[str, str]]
    body: Optional[str]
    error: Optional[str]
    redirected: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "JsResult":
        return cls(
            ok=bool(data["ok"]),
            status=data.get("status"),
            headers=[(name, value) for name, value in data.get("headers", [])],
            body=data.get("body"),
            error=data.get("error"),
            redirected=bool(data.get("redirected")),
        )

    def header(self, name: str) -> Optional[str]:
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    @property
    def header_names(self) -> set[str]:
        return {name for name, _ in self.headers}

    def json(self) -> Any:
        assert self.body is not None, "no body: the fetch was blocked"
        return json.loads(self.body)


@dataclass
class Outcome:
    """One fetch as seen by JavaScript, by the API server and by the oracle."""

    scenario: str
    url: str
    credentials: bool
    js: JsResult
    exchanges: list[Exchange]
    console: list[str]
    verdicts: list[Verdict]  # the oracle's, one per exchange judged, up to the first failure

    @property
    def oracle(self) -> Verdict:
        """The oracle's verdict on the whole fetch: the first failure, else the final response's."""
        return self.verdicts[-1]

    @property
    def preflight_verdict(self) -> Optional[Verdict]:
        judged = zip(self.exchanges, self.verdicts)
        return next((verdict for exchange, verdict in judged if exchange.is_preflight), None)

    @property
    def ok(self) -> bool:
        return self.js.ok

    @property
    def preflights(self) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if exchange.is_preflight]

    @property
    def actual_requests(self) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if not exchange.is_preflight]

    @property
    def app_ran(self) -> bool:
        return any(exchange.app_ran for exchange in self.exchanges)

    def json_body(self) -> Any:
        return self.js.json()

    @property
    def cors_error(self) -> str:
        """Chromium's console line for this blocked fetch ('' if it printed none)."""
        return next((line for line in self.console if "blocked by CORS policy" in line), "")

    def explain(self) -> str:
        """Everything needed to understand a failed assertion without re-running it."""
        lines = [
            f"scenario {self.scenario}: fetch {self.url} (credentials={'include' if self.credentials else 'default'})",
            f"  JavaScript saw: {'status ' + str(self.js.status) if self.js.ok else self.js.error}",
            f"  Chromium console: {self.cors_error or (self.console[0] if self.console else '(nothing)')}",
            f"  oracle: {'ok' if self.oracle.ok else 'blocked'}: {self.oracle.reason}",
            "  server received:",
        ]
        lines += [f"    {exchange.describe()}" for exchange in self.exchanges] or ["    (nothing: served from cache)"]
        return "\n".join(lines)

    def assert_agrees(self) -> None:
        """The browser and the oracle reach the same verdict, for the same reason.

        Blocked: the oracle's reason is Chromium's console sentence. Allowed: the response headers
        JavaScript can read are the ones the oracle says are exposed.
        """
        assert self.js.ok == self.oracle.ok, "browser and oracle disagree\n" + self.explain()
        if not self.js.ok:
            assert self.oracle.reason in self.cors_error, "oracle's reason is not Chromium's\n" + self.explain()
            return
        final = self.actual_requests[-1] if self.actual_requests else None
        if final is None:
            return
        sent = {name.lower() for name, _ in final.response_headers}
        readable = self.js.header_names & sent
        assert readable == self.oracle.exposed_headers & sent, (
            f"readable headers differ: JavaScript {sorted(readable)}, oracle {sorted(self.oracle.exposed_headers & sent)}\n"
            + self.explain()
        )


def oracle_verdicts(exchanges: Sequence[Exchange], *, credentials: bool, origin: Optional[str] = None) -> list[Verdict]:
    """Judge one fetch's raw responses as the Fetch standard does, in the order they came.

    A preflight is checked with :func:`check_preflight`, then each response (redirects included)
    with :func:`check_response`, up to the first failure. The origin judged is the request's own
    ``Origin`` header (a cross-origin redirect turns it into ``null``) unless ``origin`` is given:
    for a response reused from the HTTP cache, the origin of the page asking for it now.
    """
    verdicts: list[Verdict] = []
    for exchange in exchanges:
        request_origin = origin or exchange.origin
        assert request_origin is not None, f"no Origin on {exchange.describe()}"
        assert exchange.status is not None, f"no response recorded for {exchange.describe()}"
        if exchange.is_preflight:
            verdict = check_preflight(
                origin=request_origin,
                method=exchange.headers["access-control-request-method"],
                request_headers=exchange.headers.get("access-control-request-headers", ""),
                credentials=credentials,
                status=exchange.status,
                headers=exchange.response_headers,
            )
        else:
            verdict = check_response(
                origin=request_origin,
                credentials=credentials,
                status=exchange.status,
                headers=exchange.response_headers,
            )
        verdicts.append(verdict)
        if not verdict.ok:
            break
    assert verdicts, "the fetch reached no server and no cached response was given"
    return verdicts


class Tab:
    """A page open on one origin (or a frame inside it) that can fetch the API."""

    def __init__(self, session: "Session", page: Any, origin: str, target: Any) -> None:
        self.session = session
        self.page = page
        self.origin = origin
        self._target = target  # the page, or the sandboxed frame inside it
        self.console: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))

    def fetch(
        self,
        scenario: str,
        path: str = "/",
        *,
        method: str = "GET",
        headers: Optional[dict[str, str]] = None,
        body: Optional[str] = None,
        credentials: Optional[str] = None,
        api: Optional[str] = None,
        cached: Optional[Exchange] = None,
        redirected_to: Optional[str] = None,
        check_oracle: bool = True,
    ) -> Outcome:
        """``fetch()`` ``/s/<scenario><path>`` on the API from this page; judge it both ways.

        Unless ``check_oracle`` is false (a known Chromium divergence), the oracle's verdict on
        the raw responses must be the browser's (:meth:`Outcome.assert_agrees`).
        ``cached``: the response the browser is expected to reuse from its HTTP cache if the server
        sees nothing, so the oracle can judge the fetch all the same. ``redirected_to``: another
        scenario the fetch is redirected into; its exchanges are judged after this one's.
        """
        url = f"{api or self.session.api_origin}/s/{scenario}{path}"
        init: dict[str, Any] = {"method": method}
        if headers:
            init["headers"] = headers
        if body is not None:
            init["body"] = body
        if credentials:
            init["credentials"] = credentials
        recorder = self.session.recorder
        before = len(recorder.exchanges(scenario))
        before_redirect = len(recorder.exchanges(redirected_to)) if redirected_to else 0
        console_before = len(self.console)
        js = JsResult.from_json(self._target.evaluate("([url, init]) => corsFetch(url, init)", [url, init]))
        if not js.ok and not any("blocked by CORS policy" in line for line in self.console[console_before:]):
            try:
                self.page.wait_for_event(
                    "console",
                    predicate=lambda message: "blocked by CORS policy" in message.text,
                    timeout=CONSOLE_TIMEOUT_MS,
                )
            except Exception:
                pass
        exchanges = recorder.exchanges(scenario)[before:]
        if redirected_to:
            exchanges += recorder.exchanges(redirected_to)[before_redirect:]
        include = credentials == "include"
        if exchanges:
            verdicts = oracle_verdicts(exchanges, credentials=include)
        else:  # nothing reached the server: the browser reused ``cached`` for this page's origin
            verdicts = oracle_verdicts([cached] if cached else [], credentials=include, origin=self.origin)
        outcome = Outcome(scenario, url, include, js, exchanges, self.console[console_before:], verdicts)
        if check_oracle:
            outcome.assert_agrees()
        return outcome


class Session:
    """Pages on the shared browser, in one incognito context (its own cookies and caches).

    Pages are opened once per origin and reused by later scenarios of the same session: every
    scenario has its own URL path, so Chromium's preflight cache and HTTP cache (keyed by URL)
    keep scenarios apart, and cookies are scoped to the scenario's path.
    """

    def __init__(self, browser: Any, recorder: Recorder, api_origin: str) -> None:
        self.context = browser.new_context()
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.recorder = recorder
        self.api_origin = api_origin
        self._tabs: dict[tuple[str, bool], Tab] = {}

    def open(self, origin: str) -> Tab:
        """A page on ``origin`` (``http://host:port``) with ``corsFetch`` ready."""
        tab = self._tabs.get((origin, False))
        if tab is None:
            page = self.context.new_page()
            page.goto(origin + "/")
            tab = self._tabs[origin, False] = Tab(self, page, origin, page)
        return tab

    def open_sandboxed(self, origin: str) -> Tab:
        """A sandboxed iframe (opaque origin: ``Origin: null``) inside a page on ``origin``."""
        tab = self._tabs.get((origin, True))
        if tab is None:
            page = self.context.new_page()
            page.goto(origin + "/sandboxed")
            frame = page.wait_for_selector("iframe[name=sandboxed]").content_frame()
            assert frame is not None, "the sandboxed frame did not load"
            frame.wait_for_function("() => window.corsReady === true")
            tab = self._tabs[origin, True] = Tab(self, page, "null", frame)
        return tab

    def add_cookie(self, origin: str, scenario: str, name: str, value: str) -> None:
        """A cookie for the API's ``/s/<scenario>/`` paths only."""
        self.context.add_cookies([{"name": name, "value": value, "url": f"{origin}/s/{scenario}/"}])

    def close(self) -> None:
        self.context.close()
