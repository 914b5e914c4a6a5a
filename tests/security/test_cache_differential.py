"""Cache differential: a response replayed by a shared cache gives no origin more, or less, than a fresh one.

For generated policies and a batch of requests to one path, every response is offered to every other
request as a shared cache would offer it (same method and path, and every header its ``Vary`` names
equal: RFC 9111 §4.1, see ``shared_cache``). Whenever the cache would reuse it, the browser's verdict
on the replayed response (``wsgi_cors.testing``, the Fetch standard's CORS check and CORS-preflight
rules, with and without credentials) must equal its verdict on the fresh response. Only a rule with
``vary_header=False`` may break this, and building it must have warned (:class:`~wsgi_cors.MissingVaryWarning`).
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.strategies import fuzz_settings
from wsgi_cors import ConfigError, CORSMiddleware, MissingVaryWarning
from wsgi_cors._origins import is_serialized_origin
from wsgi_cors.testing import check_preflight, check_response

from .shared_cache import replays
from .wsgi_call import Response, app_with_headers, call

TRUSTED = "https://app.example.com"
ORIGINS_ALLOWED_SOMEWHERE = [TRUSTED, "https://b.example.com", "https://x.example.org", "http://localhost:3000"]
REQUEST_ORIGINS = [
    None,
    "",
    "null",  # no Origin, empty (read as absent), the opaque origin
    *ORIGINS_ALLOWED_SOMEWHERE,
    "https://evil.example",  # well formed, allowed by some policies, refused by others
    "https://APP.example.com",
    TRUSTED + "/",
    "app.example.com",
    "https://app.example.com:443",
    "https://x.example.org\r\n",  # malformed
]
origin_entries = st.sampled_from(
    [
        TRUSTED,
        "https://b.example.com",
        "null",
        "https://*.example.org",
        r"https://[a-z]+\.example\.org",
        "http://localhost:*",
        "*",
    ]
)
rule_options = st.fixed_dictionaries(
    {},
    optional={
        "origins": st.just("*") | origin_entries | st.lists(origin_entries, min_size=1, max_size=3),
        "send_wildcard": st.booleans(),
        "supports_credentials": st.booleans(),
        "vary_header": st.booleans(),
        "always_send": st.booleans(),
        "allow_private_network": st.booleans(),
        "methods": st.sampled_from(["*", ["GET", "PUT"], ["GET"]]),
        "allow_headers": st.sampled_from(["*", ["x-a"], []]),
        "expose_headers": st.sampled_from([None, ["X-Total"]]),
        "max_age": st.sampled_from([None, 600]),
    },
)
# Two rules that differ by path make ambiguous spellings (path-ambiguous) reachable; one rule covers every path.
policies = st.one_of(
    rule_options,
    st.builds(
        lambda top, public, rest: {**top, "resources": {r"/public/.*": public, r"/.*": rest}},
        rule_options,
        rule_options,
        rule_options,
    ),
)
PATHS = ["/", "/public/x", "/public//x", "/public/../admin/x", "/public/./x", "/admin/x", "//public/x"]
APP_VARY = [None, "Accept-Encoding", "origin", "*"]


@st.composite
def requests(draw: st.DrawFn, preflight: bool) -> dict[str, Optional[str]]:
    headers: dict[str, Optional[str]] = {"Origin": draw(st.sampled_from(REQUEST_ORIGINS))}
    if preflight:
        headers["Access-Control-Request-Method"] = draw(st.sampled_from(["GET", "PUT", "DELETE", "patch"]))
        headers["Access-Control-Request-Headers"] = draw(st.sampled_from([None, "x-a", "content-type,x-a", "x-b", "X-A, x-a"]))
        headers["Access-Control-Request-Private-Network"] = draw(st.sampled_from([None, "true"]))
    return headers


def is_browser_request(headers: dict[str, Optional[str]]) -> bool:
    """Whether a browser could have sent this: an Origin it serializes, and ACRH in its form (lower-case, sorted, unique)."""
    origin = headers["Origin"]
    if origin is None or not (origin == "null" or is_serialized_origin(origin)):
        return False
    names = headers.get("Access-Control-Request-Headers")
    return names is None or names == ",".join(sorted(set(names.split(",")))) and names == names.lower()


def browser_verdicts(headers: dict[str, Optional[str]], response: Response) -> tuple[Any, ...]:
    """What a browser on ``headers``'s origin concludes from ``response``, without and with credentials."""
    origin = headers["Origin"]
    assert origin is not None
    verdicts: list[Any] = []
    for credentials in (False, True):
        if "Access-Control-Request-Method" in headers:
            method = headers["Access-Control-Request-Method"]
            assert method is not None
            verdict = check_preflight(
                origin=origin,
                method=method,
                request_headers=headers["Access-Control-Request-Headers"] or (),
                credentials=credentials,
                status=response.code,
                headers=response.headers,
            )
            # Private Network Access: the preflight must also answer Access-Control-Allow-Private-Network: true.
            private_ok = (
                headers["Access-Control-Request-Private-Network"] != "true"
                or response.get("Access-Control-Allow-Private-Network") == "true"
            )
            verdicts.append((verdict.ok and private_ok, verdict.max_age if verdict.ok else None))
        else:
            verdict = check_response(origin=origin, credentials=credentials, status=response.code, headers=response.headers)
            verdicts.append((verdict.ok, verdict.exposed_headers))
    return tuple(verdicts)


@fuzz_settings(200)
@given(options=policies, path=st.sampled_from(PATHS), app_vary=st.sampled_from(APP_VARY), preflight=st.booleans(), data=st.data())
def test_a_replayed_response_judges_like_a_fresh_one(
    options: dict[str, Any], path: str, app_vary: Optional[str], preflight: bool, data: st.DataObject
) -> None:
    """Cache differential: replaying any response on a path to any request a cache would match gives the browser the
    verdict the fresh response gives, unless the rule for the path has vary_header=False, which warned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            middleware = CORSMiddleware(app_with_headers(*([("Vary", app_vary)] if app_vary else [])), **options)
        except ConfigError:
            return
    method = "OPTIONS" if preflight else "GET"
    # Only a rule with vary_header=False may answer without saying what its answer depends on, and only after warning.
    # The middleware may read '//public/x' as '/public/x' (as Werkzeug does), so both spellings name candidate rules.
    described = middleware.policy.describe()["resources"]
    rules = {middleware.policy.evaluate(method, spelling).rule for spelling in (path, "/" + path.lstrip("/"))}
    warned = any(rule is not None and described[rule]["vary_header"] is False for rule in rules) and any(
        issubclass(warning.category, MissingVaryWarning) for warning in caught
    )
    batch = data.draw(st.lists(requests(preflight), min_size=2, max_size=6), label="requests")
    present = [{name: value for name, value in headers.items() if value is not None} for headers in batch]
    fresh = [call(middleware, method, path, headers) for headers in present]
    for stored_index, stored in enumerate(fresh):
        for index, headers in enumerate(batch):
            if index == stored_index or not is_browser_request(headers):
                continue
            if not replays(present[stored_index], stored.headers, present[index]):
                continue
            replayed_verdicts, fresh_verdicts = browser_verdicts(headers, stored), browser_verdicts(headers, fresh[index])
            event(f"replayed {'with' if warned else 'without'} the missing-Vary warning")
            if replayed_verdicts != fresh_verdicts:
                assert warned, (
                    f"{method} {path}: the response to {present[stored_index]} ({stored.status}, {stored.headers}) is "
                    f"replayed to {present[index]}, which fresh gets ({fresh[index].status}, {fresh[index].headers}): "
                    f"{replayed_verdicts} != {fresh_verdicts}"
                )
