"""Plain-http regex origins with credentials: the exact-origin warning applies to regexes too.

``http://app.example.com`` with credentials warns (InsecureConfigWarning): anyone on the network path can inject
script into that origin. ``r"https?://app\\.example\\.com"`` admits the same origin and said nothing. A regex
warns when some match can start with ``http://`` followed by a host that is not loopback (read from the regex's
parse tree, so it does not depend on guessing a matching host).
"""

from __future__ import annotations

import re
import warnings

import pytest

from wsgi_cors import CORSPolicy, InsecureConfigWarning
from wsgi_cors._origin_probes import admits_plain_http


@pytest.mark.parametrize(
    "regex",
    [
        r"https?://app\.example\.com",
        r"http://[a-z]+\.example\.com",
        r"(http|https)://app\.example\.com",
        r"http://192\.168\.1\.\d+",
        r"http://localhost.*",
        r"http://(localhost|app\.example\.com)",
        r"HTTP://APP\.EXAMPLE\.COM",
        r"http://\[2001:db8::1\](:\d+)?",
        r"http://127\.0\.0\.1|http://app\.example\.com",
    ],
)
def test_plain_http_regex_with_credentials_warns(regex: str) -> None:
    """Plain-http regex: with credentials, a regex that admits a non-loopback http origin warns, naming it."""
    with pytest.warns(InsecureConfigWarning, match="plain-http origin with credentials") as record:
        CORSPolicy(origins=[regex], supports_credentials=True)
    assert any(repr(regex) in str(warning.message) for warning in record)


@pytest.mark.parametrize(
    "regex",
    [
        r"https://app\.example\.com",
        r"https://[a-z]+\.example\.com",
        r"http://localhost:\d+",
        r"http://(localhost|127\.0\.0\.1)(:\d+)?",
        r"http://127\.0\.0\.1:[0-9]+",
        r"http://\[::1\]:\d+",
        r"http://localhost(:\d+)?",
        r"wss://app\.example\.com",
        r"http://[a-z]+\.localhost:\d+",
    ],
)
def test_https_or_loopback_regex_with_credentials_does_not_warn(regex: str) -> None:
    """Plain-http regex: https and loopback-only regexes stay quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=[regex], supports_credentials=True)


def test_plain_http_regex_without_credentials_does_not_warn() -> None:
    """Plain-http regex: without credentials there is nothing to steal, as for exact origins."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=[r"https?://app\.example\.com"])


@pytest.mark.parametrize(
    "regex,admits",
    [
        (r"https?://app\.example\.com", "http://app.example.com"),
        (r"http://[a-z]+\.example\.com", "http://x.example.com"),
        (r"http://localhost.*", "http://localhost.evil.com"),
        (r"http://192\.168\.1\.\d+", "http://192.168.1.9"),
    ],
)
def test_what_the_warning_is_about(regex: str, admits: str) -> None:
    """Plain-http regex: each warned regex does admit that plain-http origin at run time."""
    assert re.fullmatch(regex, admits, re.IGNORECASE)
    assert admits_plain_http(re.compile(regex, re.IGNORECASE))
