"""CVE-2025-47908 / GHSA-mh55-gqvf-xfwm (rs/cors 1.9.0 - 1.10.x), unbounded parsing: Access-Control-Request-Headers.

rs/cors split a preflight's request-header list without bound: a header of many commas cost
127 ms and 121 MB per request. wsgi_cors refuses an over-long value after one length check and
bounds names and empty elements (``wsgi_cors._headers``); memory is measured with tracemalloc.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import fuzz_settings
from wsgi_cors import CORSMiddleware, CORSPolicy
from wsgi_cors._headers import (
    MAX_EMPTY_ELEMENTS,
    MAX_REQUEST_HEADER_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    parse_request_header_names,
)

from .wsgi_call import call, hello_app, peak_memory

TRUSTED = "https://app.example.com"


def test_one_megabyte_of_commas_is_refused_without_allocating() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): 1 MiB of commas costs a length check, not a split."""
    policy = CORSPolicy(origins=[TRUSTED])
    hostile = "," * (1 << 20)
    decision = policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)
    assert decision.reason == "request-headers-malformed"
    assert (
        peak_memory(lambda: policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile))
        < 4 << 10
    )


def test_longest_accepted_value_is_parsed_in_bounded_memory() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): the worst value under the length cap allocates a few times its size."""
    policy = CORSPolicy(origins=[TRUSTED])
    hostile = "x-a," * (MAX_REQUEST_HEADERS_LENGTH // 4)
    decision = policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)
    assert decision.reason == "request-headers-malformed"
    assert (
        peak_memory(lambda: policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile))
        < 256 << 10
    )


def test_a_hostile_value_is_never_echoed() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): a refused list produces no Access-Control-Allow-Headers at all."""
    response = call(
        CORSMiddleware(hello_app, origins=[TRUSTED]),
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "," * (1 << 20)},
    )
    assert response.code == 403
    assert response.get("Access-Control-Allow-Headers") is None
    assert sum(len(name) + len(value) for name, value in response.headers) < 500


def test_header_name_count_is_bounded() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): at most MAX_REQUEST_HEADER_NAMES names are accepted."""
    policy = CORSPolicy(origins=[TRUSTED])
    names = [f"x-h{number}" for number in range(MAX_REQUEST_HEADER_NAMES + 1)]
    assert policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=",".join(names[:-1])).allowed
    assert (
        policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=",".join(names)).reason
        == "request-headers-malformed"
    )


def test_empty_elements_are_bounded() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): a few empty elements (joined lines) pass, more are refused."""
    policy = CORSPolicy(origins=[TRUSTED])
    assert policy.evaluate(
        "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-a" + "," * MAX_EMPTY_ELEMENTS
    ).allowed
    assert (
        policy.evaluate(
            "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-a" + "," * (MAX_EMPTY_ELEMENTS + 1)
        ).reason
        == "request-headers-malformed"
    )


@pytest.mark.parametrize("allow_headers", [["x-a"], "*"], ids=["listed", "any"])
def test_repeated_names_beyond_the_bound_are_refused_on_the_fast_path(allow_headers: Any) -> None:
    """Unbounded ACRH parsing: 585 copies of an allowed name in the browser's form were echoed as an 8 KB
    Access-Control-Allow-Headers; the 100-name bound holds on the fast path as on the parser's."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_headers=allow_headers)
    hostile = ",".join(["x-a"] * 585)
    response = call(
        middleware,
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": hostile},
    )
    assert response.code == 403
    assert response.get("Access-Control-Allow-Headers") is None


@pytest.mark.parametrize("allow_headers", [["x-a"], "*"], ids=["listed", "any"])
def test_repeated_names_within_the_bound_are_echoed_as_sent_on_either_path(allow_headers: Any) -> None:
    """Unbounded ACRH parsing: duplicates count toward the 100 names and are echoed as sent, in the browser's form (fast
    path) or with white space (parser) alike."""
    policy = CORSPolicy(origins=[TRUSTED], allow_headers=allow_headers)
    fast = policy.evaluate(
        "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=",".join(["x-a"] * MAX_REQUEST_HEADER_NAMES)
    )
    slow = policy.evaluate(
        "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=", ".join(["x-a"] * MAX_REQUEST_HEADER_NAMES)
    )
    assert (
        dict(fast.headers)["Access-Control-Allow-Headers"]
        == dict(slow.headers)["Access-Control-Allow-Headers"]
        == ", ".join(["x-a"] * MAX_REQUEST_HEADER_NAMES)
    )
    for value in (",".join(["x-a"] * (MAX_REQUEST_HEADER_NAMES + 1)), ", ".join(["x-a"] * (MAX_REQUEST_HEADER_NAMES + 1))):
        assert (
            policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=value).reason
            == "request-headers-malformed"
        )


# Each allow_headers option with what it allows, written out independently of the engine.
ALLOW_HEADER_CONFIGS: list[tuple[Any, Callable[[str], bool]]] = [
    (["x-a", "content-type"], lambda name: name in ("x-a", "content-type")),
    ("*", lambda name: True),
    (["x-a", r"x-custom-.*"], lambda name: name == "x-a" or re.fullmatch(r"x-custom-.*", name) is not None),
    (["X-A"], lambda name: name == "x-a"),
]
name_pieces = st.sampled_from(["x-a", "content-type", "x-custom-1", "X-A", "authorization", "", " x-a", "x-a ", "x\u00e9", "x;a"])


@st.composite
def request_header_values(draw: st.DrawFn) -> str:
    """ACRH values around every bound: up to 130 names, browser form or not, repeated names, empty elements, long names."""
    shape = draw(st.sampled_from(["few", "many", "long"]))
    if shape == "few":
        names = draw(st.lists(name_pieces, max_size=8))
    elif shape == "many":
        names = [draw(name_pieces)] * draw(st.integers(MAX_REQUEST_HEADER_NAMES - 3, MAX_REQUEST_HEADER_NAMES + 3)) + draw(
            st.lists(name_pieces, max_size=20)
        )
    else:
        names = ["x-" + "a" * draw(st.integers(MAX_REQUEST_HEADERS_LENGTH - 20, MAX_REQUEST_HEADERS_LENGTH + 5))]
    return draw(st.sampled_from([",", ", "])).join(names)


@fuzz_settings(300)
@given(config=st.sampled_from(ALLOW_HEADER_CONFIGS), value=request_header_values())
def test_fast_path_never_accepts_what_the_bounded_parser_refuses(config: tuple[Any, Callable[[str], bool]], value: str) -> None:
    """Unbounded ACRH parsing: for any value, the preflight's answer is the bounded parser's (parse_request_header_names,
    then each name against allow_headers), whichever path decided it, and the echoed header stays bounded."""
    allow_headers, allows = config
    decision = CORSPolicy(origins=[TRUSTED], allow_headers=allow_headers).evaluate(
        "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=value
    )
    names = parse_request_header_names(value)
    if names is None:
        assert decision.reason == "request-headers-malformed"
        return
    refused = [name for name in names if not allows(name)]
    if refused:
        assert (decision.reason, decision.offending_value) == ("header-not-allowed", refused[0])
        return
    assert decision.allowed
    echoed = dict(decision.headers).get("Access-Control-Allow-Headers")
    assert echoed == (", ".join(names) if names else None)
    assert len(names) <= MAX_REQUEST_HEADER_NAMES and len(echoed or "") <= MAX_REQUEST_HEADERS_LENGTH + MAX_REQUEST_HEADER_NAMES
