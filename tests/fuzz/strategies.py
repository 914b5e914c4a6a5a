"""Hypothesis strategies for what reaches the middleware: origins, header lists, methods, paths, whole configurations.

Request strategies mix what browsers send (serialized origins, lower-case sorted token lists)
with near misses (upper case, trailing slash, default port) and hostile text (CR/LF, NUL,
non-latin-1, lone surrogates, long values). Configuration strategies build option dicts from
valid pieces and mistakes alike, so most are accepted and some are refused.

``fuzz_settings(n)`` sizes a test: ``n`` examples (times ``WSGI_CORS_FUZZ_SCALE`` for a longer
local run), no deadline, and derandomized under CI so a CI run is reproducible.
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SCALE = float(os.environ.get("WSGI_CORS_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int, *, with_fixtures: bool = False) -> settings:
    """The settings of every property test; ``with_fixtures`` for a test that also takes pytest fixtures or parameters."""
    extra: dict[str, Any] = {"derandomize": True, "database": None} if CI else {}
    checks = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
    if with_fixtures:
        checks.append(HealthCheck.function_scoped_fixture)
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None, suppress_health_check=checks, **extra)


# --- Pieces -------------------------------------------------------------------------------------

HOSTILE_PIECES = [
    "\r\n",
    "\n",
    "\r",
    "\x00",
    "\x0b",
    "\x7f",
    "\xe9",
    "\u20ac",
    "\udcff",
    " ",
    "\t",
    ",",
    ";",
    "*",
    "%0d%0a",
    "Set-Cookie: a=b",
    "/",
    "?",
    "#",
    "@",
    ":",
    "[",
    "]",
]
hostile_text = st.one_of(
    st.text(max_size=24),
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=4), max_size=6).map("".join),
    st.integers(300, 9000).map(lambda size: "a" * size),
)
labels = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
hosts = st.one_of(
    st.sampled_from(
        [
            "app.example.com",
            "a.example.com",
            "a.b.example.com",
            "example.com",
            "evilexample.com",
            "example.com.attacker.io",
            "localhost",
            "127.0.0.1",
            "[::1]",
            "x.github.io",
            "github.io",
            "co.uk",
        ]
    ),
    st.lists(labels, min_size=1, max_size=4).map(".".join),
)
schemes = st.sampled_from(["https", "http", "wss", "chrome-extension"])
ports = st.none() | st.sampled_from([80, 443, 3000, 8080, 8443]) | st.integers(1, 65535)


@st.composite
def serialized_origins(draw: st.DrawFn) -> str:
    port = draw(ports)
    return f"{draw(schemes)}://{draw(hosts)}" + (f":{port}" if port is not None else "")


@st.composite
def near_miss_origins(draw: st.DrawFn) -> str:
    origin = draw(serialized_origins())
    mutation = draw(st.sampled_from(["upper", "slash", "path", "suffix", "prefix", "hostile", "default-port"]))
    if mutation == "upper":
        return origin.upper()
    if mutation == "slash":
        return origin + "/"
    if mutation == "path":
        return origin + "/x"
    if mutation == "suffix":
        return origin + ".attacker.io"
    if mutation == "prefix":
        return origin.replace("://", "://evil", 1)
    if mutation == "default-port":
        return origin + ":443"
    return origin + draw(st.sampled_from(HOSTILE_PIECES))


request_origins = st.one_of(st.none(), st.just(""), st.just("null"), serialized_origins(), near_miss_origins(), hostile_text)

tokens = st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}", fullmatch=True)
request_methods = st.one_of(
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "get", "patch"]),
    tokens,
    hostile_text,
)
header_names = st.sampled_from(["content-type", "x-api-key", "authorization", "x-requested-with", "X-Api-Key", "cookie"]) | tokens


@st.composite
def request_header_lists(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["browser", "loose", "hostile", "many"]))
    if shape == "browser":
        return ",".join(sorted({name.lower() for name in draw(st.lists(header_names, max_size=6))}))
    if shape == "loose":
        names = draw(st.lists(header_names | st.just(""), max_size=8))
        return draw(st.sampled_from([",", ", ", " ,", ",\t", " , "])).join(names)
    if shape == "many":
        return ",".join(["x-h"] * draw(st.integers(90, 130))) + "," * draw(st.integers(0, 20))
    return draw(hostile_text)


request_private_network = st.one_of(st.none(), st.sampled_from(["true", "false", "TRUE", "true\r\n"]), hostile_text)
paths = st.one_of(
    st.sampled_from(
        [
            "/",
            "/api/x",
            "/api/admin/users",
            "/exact",
            "/api/../admin",
            "//api/x",
            "/API/x",
            "/a+b",
            "/%2e%2e/x",
            "/caf\u00c3\u00a9",
            "/\u20ac",
            "/x\r\n",
        ]
    ),
    st.text(max_size=30).map(lambda text: "/" + text),
    hostile_text,
)
request_kind_methods = st.sampled_from(["GET", "OPTIONS", "OPTIONS", "POST"]) | request_methods


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """The arguments of CORSPolicy.evaluate."""
    return {
        "method": draw(request_kind_methods),
        "path": draw(paths),
        "origin": draw(request_origins),
        "request_method": draw(st.none() | request_methods),
        "request_headers": draw(st.none() | request_header_lists()),
        "request_private_network": draw(request_private_network),
    }


# --- Configurations -----------------------------------------------------------------------------

REGEX_ORIGINS = [
    r"https://.*\.example\.com",
    r"https://(app|admin)\.example\.com",
    r"http://localhost:\d+",
    r".*",
    r"https://.*",
    re.compile(r"https://[a-z]+\.example\.org"),
    r"https://.*.example.com",
]


def _allow_example_org(origin: str) -> bool:
    return origin.endswith(".example.org")


def _raising_predicate(origin: str) -> bool:
    raise RuntimeError("a buggy user predicate")


@st.composite
def wildcard_patterns(draw: st.DrawFn) -> str:
    port = draw(st.sampled_from(["", ":*", ":8443"]))
    if draw(st.booleans()):
        return f"{draw(schemes)}://*.{draw(hosts)}{port}"
    return f"{draw(schemes)}://{draw(hosts)}:*"


origin_entries = st.one_of(
    serialized_origins(),
    serialized_origins(),
    wildcard_patterns(),
    st.sampled_from(["*", "null"]),
    st.sampled_from(REGEX_ORIGINS),
    st.sampled_from([_allow_example_org, _raising_predicate]),
    near_miss_origins(),
)
origin_options = st.one_of(st.just("*"), origin_entries, st.lists(origin_entries, max_size=5))
method_options = st.one_of(
    st.just("*"),
    st.lists(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "get", "PROPFIND"]), max_size=5),
    st.just("GET, POST"),
)
allow_header_options = st.one_of(
    st.just("*"), st.lists(st.sampled_from(["Content-Type", "X-Api-Key", "Authorization", r"X-Custom-.*", "x-a"]), max_size=4)
)
expose_header_options = st.one_of(st.none(), st.lists(st.sampled_from(["X-Total", "ETag", "*"]), max_size=3), st.just("X-Total"))
RULE_OPTIONS = {
    "origins": origin_options,
    "methods": method_options,
    "allow_headers": allow_header_options,
    "expose_headers": expose_header_options,
    "supports_credentials": st.booleans(),
    "max_age": st.none() | st.integers(0, 100000) | st.just("600"),
    "send_wildcard": st.booleans(),
    "vary_header": st.booleans(),
    "automatic_options": st.booleans(),
    "allow_private_network": st.booleans(),
    "always_send": st.booleans(),
    "preflight_status": st.sampled_from([200, 204]),
}
rule_options = st.fixed_dictionaries({}, optional=RULE_OPTIONS)
path_patterns = st.sampled_from(["/*", r"/api/.*", r"/api/admin/.*", "/exact", "*", r"/(a|b)/.*", r"/public/.*"])
resources = st.one_of(
    st.just(r"/*"),
    st.dictionaries(path_patterns, rule_options, min_size=1, max_size=4),
    st.lists(path_patterns, min_size=1, max_size=3),
)


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword options for CORSPolicy: top-level rule options, maybe resources, maybe intercept_exceptions."""
    options: dict[str, Any] = draw(rule_options)
    if draw(st.booleans()):
        options["resources"] = draw(resources)
    if draw(st.booleans()):
        options["intercept_exceptions"] = draw(st.booleans())
    return options
