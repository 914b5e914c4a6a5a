"""Each seed example run twice, as Flask-CORS 6 and with only its import changed to ``wsgi_cors.flask``.

For every probe (a page on some origin calling a path with some method, headers and credentials
mode) the test plays the browser: a preflight when Fetch sends one, judged by
:func:`wsgi_cors.testing.check_preflight`, then the actual request judged by
:func:`~wsgi_cors.testing.check_response`. The browser-observable outcome (preflight blocked or
not and its cached max-age; response readable or not; its status as JavaScript sees it; the
response headers JavaScript may read) must be the same for both, except where the README's
tables of deliberate differences say otherwise: :func:`documented` names the README row of each
such probe and the outcome wsgi_cors must show.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any, NamedTuple, Optional

import pytest

from wsgi_cors import ConfigError, CORSConfigWarning
from wsgi_cors.testing import (
    check_preflight,
    check_response,
    cors_unsafe_request_header_names,
    needs_preflight,
    preflight_headers,
)

from .seed_apps import SEEDS, build

EVIL = "https://evil.example"


class Probe(NamedTuple):
    path: str
    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    cookie: bool = False


def observe(app: Any, probe: Probe) -> str:
    """What the page's JavaScript learns, as one line."""
    client = app.test_client()
    if probe.cookie:
        client.set_cookie("session", "logged-in")
    headers = dict(probe.headers)
    max_age: Optional[int] = None
    if needs_preflight(probe.method, list(probe.headers)):
        names = cors_unsafe_request_header_names(list(probe.headers))
        preflight = client.options(
            probe.path, headers=preflight_headers(origin=probe.origin, method=probe.method, request_headers=names)
        )
        verdict = check_preflight(
            origin=probe.origin, method=probe.method, request_headers=names, credentials=probe.credentials, response=preflight
        )
        if not verdict.ok:
            return "preflight blocked"
        max_age = verdict.max_age
    response = client.open(probe.path, method=probe.method, headers={"Origin": probe.origin, **headers})
    seen = check_response(origin=probe.origin, credentials=probe.credentials, response=response)
    prefix = f"preflight ok max-age={max_age}; " if max_age is not None else ""
    if not seen.ok:
        return prefix + "blocked"
    return prefix + f"readable {response.status_code} exposing {','.join(sorted(seen.exposed_headers))}"


REQUESTS = [
    ("GET", (), False),
    ("GET", (), True),
    ("POST", (("Content-Type", "application/json"),), False),
    ("POST", (("Content-Type", "application/json"),), True),
    ("PUT", (("Content-Type", "application/json"), ("X-Requested-With", "fetch")), False),
    ("DELETE", (("Authorization", "Bearer t"),), True),
    ("GET", (("X-Custom-Trace", "1"), ("X-Api-Key", "k")), False),
    ("POST", (("X-File-Name", "a.txt"), ("X-Upload-Key", "u")), False),
]

# Per seed: the paths it serves and the origins worth trying (its own, lookalikes, an attacker's).
PROBED: dict[str, tuple[list[str], list[str]]] = {
    "single-origin": (["/api/data"], ["https://example.com"]),
    "multiple-origins": (["/api/data"], ["https://example.com", "https://admin.example.com"]),
    "credentials": (["/api/secure"], ["https://example.com"]),
    "specific-routes": (["/api/public", "/api/private", "/internal"], ["https://example.com"]),
    "all-options": (["/api/data"], ["https://example.com", "https://app.example.com"]),
    "origin-callable": (["/api/data"], ["https://example.com"]),
    "basic": (["/api/data"], ["https://site.example"]),
    "blockedbycors": (["/api/data"], ["https://blockedbycors.dev"]),
    "quickstart": (["/", "/api/data"], ["http://localhost:3000"]),
    "resources-localhost": (["/api/data"], ["http://localhost:3000"]),
    "resources-public": (["/public/data", "/api/data"], ["https://site.example"]),
    "resources-origin-list": (["/api/data"], ["http://localhost:3000", "https://your-frontend.com"]),
    "resources-expose": (["/api/items"], ["https://site.example"]),
    "allow-credentials-misnamed": (["/api/data"], ["http://localhost:3000"]),
    "decorator-defaults": (["/api/data", "/api/public"], ["https://site.example"]),
    "decorator-origin-lists": (["/api/secure", "/api/development"], ["https://trusted-site.com", "http://localhost:8080"]),
    "decorator-regex": (
        ["/api/subdomains", "/api/pattern"],
        [
            "https://a.example.com",
            "https://app7.example.com",
            "https://main.example.com",
            "https://a.example.com.evil.net",
            "https://app7.example.com.evil.net",
        ],
    ),
    "decorator-methods": (["/api/users"], ["https://frontend.example.com"]),
    "decorator-auth": (["/api/auth/profile", "/api/auth/login"], ["https://app.example.com"]),
    "decorator-upload": (["/api/upload"], ["https://uploader.example.com"]),
    "decorator-max-age": (
        ["/api/heavy-operation", "/api/frequent-calls"],
        ["https://client.example.com", "https://dashboard.example.com"],
    ),
    "decorator-custom-options": (["/api/custom-options"], ["https://custom.example.com"]),
    "decorator-complex": (
        ["/api/complex"],
        ["https://prod.example.com", "https://x.dev.example.com", "http://localhost:3000", "https://x.dev.example.com.evil.net"],
    ),
    "decorator-login": (["/api/protected"], ["https://app.example.com"]),
    "flask-restful": (["/api/users/7"], ["https://api-client.example.com", "https://admin.example.com"]),
}

# Seeds whose configuration wsgi_cors refuses or warns about at start-up (README: deliberate differences).
AT_STARTUP: dict[str, tuple[type[Warning] | type[Exception], str, str]] = {
    # docs/security.md "Decisions": max_age over Chromium's 2-hour cap warns (the browser would use 7200 anyway).
    "all-options": (CORSConfigWarning, "Chromium caps Access-Control-Max-Age at 7200", "README Decisions: max_age cap"),
    # Flask-CORS logs "Unknown option" and grants no credentials; wsgi_cors refuses the typo with its fix.
    "allow-credentials-misnamed": (ConfigError, "write supports_credentials=", "README: bad config fails at start-up"),
}

LOOKALIKES = {"https://a.example.com.evil.net", "https://app7.example.com.evil.net", "https://x.dev.example.com.evil.net"}


def documented(seed: str, probe: Probe) -> Optional[tuple[str, str]]:
    """The README row that makes this probe differ from Flask-CORS, and the outcome wsgi_cors must give; None: no difference."""
    preflighted = needs_preflight(probe.method, list(probe.headers))
    if probe.origin in LOOKALIKES:
        # Row 1: a regex matches the whole origin; Flask-CORS's prefix match lets the lookalike host read and preflight.
        return "#1 regexes match the whole origin", "preflight blocked" if preflighted else "blocked"
    if seed == "origin-callable" and probe.origin == "https://example.com":
        # Row 2: origins may be a callable. Flask-CORS compares str(callable) with the Origin, so nothing ever matches.
        return "#2 origins may be a callable", (
            ("preflight ok max-age=5; " if preflighted else "")
            + f"readable {200 if probe.method == 'GET' else 405} exposing content-length,content-type"
        )
    return None


def probes(seed: str) -> list[Probe]:
    paths, origins = PROBED[seed]
    found = [
        Probe(path, origin, method, headers, credentials)
        for path, origin, (method, headers, credentials) in itertools.product(paths, [*origins, EVIL], REQUESTS)
    ]
    if seed == "decorator-login":
        found += [probe._replace(cookie=True) for probe in found]
    return found


def _build(seed: str, door: str) -> Any:
    if door == "wsgi_cors.flask" and seed in AT_STARTUP:
        kind, text, _ = AT_STARTUP[seed]
        if issubclass(kind, Warning):
            with pytest.warns(kind, match=text):
                return build(seed, door)
        with pytest.raises(kind, match=text):
            build(seed, door)
        return None
    return build(seed, door)


def test_every_seed_is_probed() -> None:
    assert set(PROBED) == set(SEEDS)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_gives_the_browser_the_same_verdict_with_only_the_import_changed(seed: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Flask-RESTful's own
        theirs = build(seed, "flask_cors")
        ours = _build(seed, "wsgi_cors.flask")
    if ours is None:  # refused at start-up, as documented
        return
    mismatches = []
    for probe in probes(seed):
        expected = observe(theirs, probe)
        got = observe(ours, probe)
        difference = documented(seed, probe)
        if difference is not None:
            row, outcome = difference
            if got != outcome:
                mismatches.append(f"{probe}: documented ({row}) as {outcome!r}, wsgi_cors {got!r} (Flask-CORS {expected!r})")
            continue
        if expected != got:
            mismatches.append(f"{probe}: Flask-CORS {expected!r}, wsgi_cors {got!r}")
    assert not mismatches, "\n".join(mismatches)
