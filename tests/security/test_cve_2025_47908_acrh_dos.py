"""CVE-2025-47908 / GHSA-mh55-gqvf-xfwm (rs/cors 1.9.0 - 1.10.x), unbounded parsing: Access-Control-Request-Headers.

rs/cors split a preflight's request-header list without bound: a header of many commas cost
127 ms and 121 MB per request. wsgi_cors refuses an over-long value after one length check and
bounds names and empty elements (``wsgi_cors.headers``); memory is measured with tracemalloc.
"""

from __future__ import annotations


from wsgi_cors import CORSMiddleware, CORSPolicy
from wsgi_cors.headers import MAX_EMPTY_ELEMENTS, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH

from .wsgi_call import call, hello_app, peak_memory

TRUSTED = "https://app.example.com"


def test_one_megabyte_of_commas_is_refused_without_allocating() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): 1 MiB of commas costs a length check, not a split."""
    policy = CORSPolicy(origins=[TRUSTED])
    hostile = "," * (1 << 20)
    decision = policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)
    assert decision.reason == "request-headers-malformed"
    assert peak_memory(lambda: policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)) < 4 << 10


def test_longest_accepted_value_is_parsed_in_bounded_memory() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): the worst value under the length cap allocates a few times its size."""
    policy = CORSPolicy(origins=[TRUSTED])
    hostile = "x-a," * (MAX_REQUEST_HEADERS_LENGTH // 4)
    decision = policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)
    assert decision.reason == "request-headers-malformed"
    assert peak_memory(lambda: policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=hostile)) < 256 << 10


def test_a_hostile_value_is_never_echoed() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): a refused list produces no Access-Control-Allow-Headers at all."""
    response = call(CORSMiddleware(hello_app, origins=[TRUSTED]), "OPTIONS", "/", {
        "Origin": TRUSTED, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "," * (1 << 20)})
    assert response.code == 403
    assert response.get("Access-Control-Allow-Headers") is None
    assert sum(len(name) + len(value) for name, value in response.headers) < 500


def test_header_name_count_is_bounded() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): at most MAX_REQUEST_HEADER_NAMES names are accepted."""
    policy = CORSPolicy(origins=[TRUSTED])
    names = [f"x-h{number}" for number in range(MAX_REQUEST_HEADER_NAMES + 1)]
    assert policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=",".join(names[:-1])).allowed
    assert policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=",".join(names)).reason == "request-headers-malformed"


def test_empty_elements_are_bounded() -> None:
    """Unbounded ACRH parsing (CVE-2025-47908): a few empty elements (joined lines) pass, more are refused."""
    policy = CORSPolicy(origins=[TRUSTED])
    assert policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-a" + "," * MAX_EMPTY_ELEMENTS).allowed
    assert policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-a" + "," * (MAX_EMPTY_ELEMENTS + 1)).reason == "request-headers-malformed"
