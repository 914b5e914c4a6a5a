"""The browser oracle (wsgi_cors.testing, and so `wsgi-cors check`) against the Fetch standard, clause by clause.

Issue 9, item 12: the oracle safelisted ``Range: bytes=5-1`` (Fetch: start > end is no simple range, so a
preflight is sent) and counted forbidden request headers a page sets (``Cookie``,
``X-HTTP-Method-Override: TRACE``) as unsafe, where a browser drops them. A check that disagrees with
the browser tells a developer a request works (or not) when it does not. Every test below quotes the
clause of Fetch (https://fetch.spec.whatwg.org/, "CORS-safelisted request-header", "CORS-unsafe
request-header byte", "CORS-unsafe request-header names", "parse a single range header value",
"forbidden request-header", "get, decode, and split") that it checks.
"""

from __future__ import annotations

import json

import pytest

from wsgi_cors import ConfigError, CORSPolicy
from wsgi_cors import _problems as kinds
from wsgi_cors._cli import main
from wsgi_cors._headers import FORBIDDEN_METHODS, FORBIDDEN_REQUEST_HEADERS
from wsgi_cors.testing import cors_unsafe_request_header_names, needs_preflight

# The clause's own list, as written in Fetch "forbidden request-header" step 1.
FETCH_FORBIDDEN_NAMES = [
    "Accept-Charset",
    "Accept-Encoding",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Connection",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Date",
    "DNT",
    "Expect",
    "Host",
    "Keep-Alive",
    "Origin",
    "Referer",
    "Set-Cookie",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
]


def unsafe(*headers: tuple[str, str]) -> tuple[str, ...]:
    return cors_unsafe_request_header_names(list(headers))


def safelisted(name: str, value: str) -> bool:
    return unsafe((name, value)) == ()


# --- CORS-safelisted request-header ------------------------------------------------------------


@pytest.mark.parametrize("name", ["Accept", "Accept-Language", "Content-Language", "Content-Type", "Range"])
def test_value_longer_than_128_bytes_is_not_safelisted(name: str) -> None:
    """ "If value's length is greater than 128, then return false." (each safelisted name at 128 and 129 bytes)"""
    fits = {
        "Accept": "a" * 128,
        "Accept-Language": "a" * 128,
        "Content-Language": "a" * 128,
        "Content-Type": "text/plain;x=" + "a" * 115,
        "Range": "bytes=" + "1" * 60 + "-" + "1" * 61,
    }[name]
    assert len(fits) == 128 and safelisted(name, fits)
    assert not safelisted(name, fits + ("a" if name != "Range" else "1"))


def _cors_unsafe_request_header_byte(byte: int) -> bool:
    """ "byte is less than 0x20 and is not 0x09 HT; byte is 0x22 ("), 0x28, 0x29, 0x3A (:), 0x3C (<), 0x3E (>),
    0x3F (?), 0x40 (@), 0x5B ([), 0x5C (\\), 0x5D (]), 0x7B ({), 0x7D (}), or 0x7F DEL." """
    return (byte < 0x20 and byte != 0x09) or byte in b'"():<>?@[\\]{}\x7f'


@pytest.mark.parametrize("byte", range(0x100))
def test_accept_is_safelisted_unless_it_contains_a_cors_unsafe_request_header_byte(byte: int) -> None:
    """ "accept: If value contains a CORS-unsafe request-header byte, then return false." (every byte, mid-value)"""
    assert safelisted("Accept", f"a{chr(byte)}b") is not _cors_unsafe_request_header_byte(byte)


@pytest.mark.parametrize("name", ["Accept-Language", "Content-Language"])
@pytest.mark.parametrize("byte", range(0x100))
def test_language_headers_allow_only_alphanumerics_and_sp_star_comma_dash_dot_semicolon_equals(name: str, byte: int) -> None:
    """ "accept-language, content-language: If value contains a byte that is not in the range 0x30 (0) to 0x39 (9),
    ... 0x41 (A) to 0x5A (Z), ... 0x61 (a) to 0x7A (z), and is not 0x20 (SP), 0x2A (*), 0x2C (,), 0x2D (-), 0x2E (.),
    0x3B (;), or 0x3D (=), then return false." """
    allowed = chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in " *,-.;=")
    assert safelisted(name, f"en{chr(byte)}x") is allowed


@pytest.mark.parametrize("byte", sorted(b'"():<>?@[\\]{}\x7f\x01\x1f'))
def test_content_type_with_a_cors_unsafe_request_header_byte_is_not_safelisted(byte: int) -> None:
    """ "content-type: If value contains a CORS-unsafe request-header byte, then return false." (even after a
    safelisted essence, where a lenient MIME parser would stop reading)"""
    assert not safelisted("Content-Type", f"text/plain;a={chr(byte)}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/plain", True),
        ("application/x-www-form-urlencoded", True),
        ("multipart/form-data; boundary=x", True),
        ("TEXT/Plain;charset=utf-8", True),  # the essence is lower-cased by the MIME type parser
        ("text/plain ;charset=utf-8", True),  # "remove any trailing HTTP whitespace from subtype"
        ("application/json", False),
        ("text/html", False),
        ("text", False),  # essence not one of the three
        ("text /plain", False),
        ("text/pla in", False),
        ("/plain", False),
        ("text/", False),  # "If mimeType is failure"
    ],
)
def test_content_type_is_safelisted_only_for_the_three_mime_type_essences(value: str, expected: bool) -> None:
    """ "Let mimeType be the result of parsing ... If mimeType is failure, then return false. If mimeType's essence is
    not "application/x-www-form-urlencoded", "multipart/form-data", or "text/plain", then return false." """
    assert safelisted("Content-Type", value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes=0-", True),
        ("bytes=0-499", True),
        ("bytes=5-5", True),
        ("bytes=00-1", True),
        ("bytes=5-1", False),  # "If rangeStartValue and rangeEndValue are numbers, and rangeStartValue is greater ..."
        ("bytes=10-9", False),
        ("bytes=1000-999", False),
        ("bytes=-500", False),  # "If rangeValue[0] is null, then return false."
        ("bytes=-", False),  # "If rangeEndValue and rangeStartValue are null, then return failure."
        ("bytes = 0-1", False),
        ("bytes=0 -1", False),  # allowWhitespace is false for the safelist
        ("Bytes=0-1", False),  # "If data does not start with "bytes", then return failure." (case-sensitive)
        ("bytes=0-1,2-3", False),  # "If position is not past the end of data, then return failure." (one range only)
        ("bytes=0-1x", False),
        ("bytes:0-1", False),
        ("bytes=a-1", False),
    ],
)
def test_range_is_safelisted_only_for_a_single_range_with_a_start_not_after_its_end(value: str, expected: bool) -> None:
    """ "range: Let rangeValue be the result of parsing a single range header value given value and false. If rangeValue
    is failure, then return false. If rangeValue[0] is null, then return false." """
    assert safelisted("Range", value) is expected


def test_range_bytes_5_1_makes_the_browser_send_a_preflight() -> None:
    """ "parse a single range header value": 5 > 1 is failure, so Range is a CORS-unsafe name."""
    assert unsafe(("Range", "bytes=5-1")) == ("range",)
    assert needs_preflight("GET", [("Range", "bytes=5-1")])
    assert not needs_preflight("GET", [("Range", "bytes=1-5")])


@pytest.mark.parametrize("name", ["X-Requested-With", "Authorization", "Cache-Control", "Content-Encoding", "Last-Event-ID"])
def test_any_other_name_is_not_safelisted(name: str) -> None:
    """ "Otherwise: Return false." """
    assert unsafe((name, "x")) == (name.lower(),)


# --- CORS-unsafe request-header names ----------------------------------------------------------


def test_safelisted_values_over_1024_bytes_in_total_all_become_unsafe() -> None:
    """ "If safelistValueSize is greater than 1024, then for each name of potentiallyUnsafeNames, append name to
    unsafeNames." (8 x 128 = 1024 is still safe; one byte more is not)"""
    at_limit = [("Accept", "a" * 128)] * 7 + [("Content-Language", "b" * 128)]
    assert unsafe(*at_limit) == ()
    assert unsafe(*at_limit, ("Accept", "a")) == ("accept", "content-language")


def test_unsafe_names_are_a_sorted_lowercase_set() -> None:
    """ "Return the result of convert header names to a sorted-lowercase set with unsafeNames." """
    assert unsafe(("X-B", "1"), ("x-a", "2"), ("X-b", "3"), ("Content-Type", "application/json")) == (
        "content-type",
        "x-a",
        "x-b",
    )


def test_values_are_normalized_before_the_rules_apply() -> None:
    """Headers "append": "Normalize value" (remove leading and trailing HTTP whitespace bytes: tab, LF, CR, space)."""
    assert safelisted("Content-Type", "\r\n text/plain \t\n")


# --- forbidden request-header ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", FETCH_FORBIDDEN_NAMES + [name.lower() for name in FETCH_FORBIDDEN_NAMES] + ["Access-Control-Request-Private-Network"]
)
def test_a_forbidden_request_header_a_page_sets_is_dropped_not_counted(name: str) -> None:
    """ "forbidden request-header", step 1: "If name is a byte-case-insensitive match for one of: Accept-Charset, ...
    Via, then return true." A page's Headers object drops it (guard "request"), so it never makes a preflight."""
    assert unsafe((name, "a=b")) == ()
    assert not needs_preflight("GET", [(name, "a=b")])
    assert unsafe((name, "a=b"), ("X-Api-Key", "1")) == ("x-api-key",)


@pytest.mark.parametrize("name", ["Proxy-Authorization", "proxy-anything", "Sec-Fetch-Mode", "SEC-CH-UA", "sec-"])
def test_proxy_and_sec_prefixed_headers_are_dropped(name: str) -> None:
    """ "forbidden request-header", step 2: "If name when byte-lowercased starts with `proxy-` or `sec-`, then return
    true." """
    assert unsafe((name, "x")) == ()


@pytest.mark.parametrize("name", ["X-HTTP-Method", "X-HTTP-Method-Override", "X-Method-Override", "x-http-method-override"])
@pytest.mark.parametrize("value", ["TRACE", "trace", "Connect", "TRACK", "GET, TRACE", " PUT ,track", "GET,,TRACE"])
def test_a_method_override_header_naming_a_forbidden_method_is_dropped(name: str, value: str) -> None:
    """ "forbidden request-header", step 3: "Let parsedValues be the result of getting, decoding, and splitting value.
    For each method of parsedValues: if the isomorphic encoding of method is a forbidden method, then return true."
    (a forbidden method is a byte-case-insensitive match for CONNECT, TRACE or TRACK)"""
    assert unsafe((name, value)) == ()


@pytest.mark.parametrize("value", ["PUT", "DELETE", "GET, PATCH", '"TRACE"', "TRACEX", "TRA CE", "TRACE;"])
def test_a_method_override_header_naming_other_methods_is_sent_and_needs_a_preflight(value: str) -> None:
    """ "forbidden request-header", step 4: "Return false." A quoted "TRACE" stays quoted after "get, decode, and split",
    so it is no forbidden method; nor is a near spelling."""
    assert unsafe(("X-HTTP-Method-Override", value)) == ("x-http-method-override",)


@pytest.mark.parametrize(
    ("value", "values"),
    [
        ("nosniff,", ["nosniff", ""]),
        ('text/html;", x/x', ['text/html;", x/x']),
        ('x/x;test="hi",y/y', ['x/x;test="hi"', "y/y"]),
        ("x / x,,,1", ["x / x", "", "", "1"]),
        ('"1,2", 3', ['"1,2"', "3"]),
        ("", [""]),
    ],
)
def test_get_decode_and_split_follows_the_standards_own_examples(value: str, values: list[str]) -> None:
    """ "get, decode, and split": the table of examples in Fetch §2.2.2 (headers)."""
    from wsgi_cors._headers import split_header_value

    assert split_header_value(value) == values


@pytest.mark.parametrize("name", sorted(FORBIDDEN_REQUEST_HEADERS) + ["Proxy-Authorization", "Sec-Fetch-Site"])
def test_the_validator_and_the_oracle_read_the_same_forbidden_list(name: str) -> None:
    """One source of truth (wsgi_cors._headers): a name the browser drops is one the configuration may not allow."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_headers=[name])
    assert {problem.code for problem in raised.value.problems} & {
        kinds.FORBIDDEN_REQUEST_HEADER.code,
        kinds.ACCESS_CONTROL_HEADER.code,
        kinds.BAD_HEADER_NAME.code,
    }
    assert unsafe((name, "x")) == ()


def test_the_fetch_lists_in_headers_are_the_standards() -> None:
    """ "forbidden request-header" step 1 and "forbidden method", as the standard lists them (plus PNA's one name)."""
    assert FORBIDDEN_REQUEST_HEADERS == {name.lower() for name in FETCH_FORBIDDEN_NAMES} | {
        "access-control-request-private-network"
    }
    assert FORBIDDEN_METHODS == {"CONNECT", "TRACE", "TRACK"}


# --- through `wsgi-cors check` -----------------------------------------------------------------


def test_check_sends_a_preflight_for_range_5_1_and_ignores_the_forbidden_headers(capsys: pytest.CaptureFixture[str]) -> None:
    """`wsgi-cors check` reports what the browser does: Range bytes=5-1 is preflighted; Cookie and a TRACE override are
    dropped, so the preflight asks for range only."""
    status = main(
        [
            "check",
            "--origin",
            "https://app.example.com",
            "--origins",
            "https://app.example.com",
            "--json",
            "--header",
            "Range: bytes=5-1",
            "--header",
            "Cookie: session=1",
            "--header",
            "X-HTTP-Method-Override: TRACE",
            "/x",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["preflight"]["sent"] is True
    assert report["preflight"]["why"] == "range is not a CORS-safelisted header"
    assert dict(report["preflight"]["request_headers"])["Access-Control-Request-Headers"] == "range"
    assert status == 0
