"""Regex origins indexed by their fixed dotted ending admit exactly what trying every regex admits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSPolicy
from wsgi_cors._origins import dotted_literal_suffix, is_serialized_origin

from .fuzz.strategies import fuzz_settings

PATTERNS = [
    r"https://[a-z]+\.example\.com",
    r"https://[a-z0-9-]+\.r7\.example\.org$",
    r"https://app\d+\.example\.com:8443",
    r"https://(a|b)\.x\.com|https://c\.y\.com",
    r"https?://[a-z]+\.EXAMPLE\.net",
    r"https://(www\.)?shop\.example\.com",
    r"http://localhost:\d+",
    re.compile(r"https://[a-z]+\.case\.test"),
    re.compile(r"https://[a-z]+\.CASE\.test"),
]
labels = st.sampled_from(["a", "app7", "www", "shop", "c", "x", "r7", "example", "EXAMPLE", "case", "y", "localhost", "b"])
tlds = st.sampled_from(["com", "org", "net", "test"])
origins = st.one_of(
    st.builds(
        lambda scheme, parts, tld, port: f"{scheme}://{'.'.join(parts)}.{tld}{port}",
        st.sampled_from(["http", "https"]),
        st.lists(labels, min_size=1, max_size=4),
        tlds,
        st.sampled_from(["", ":8443", ":3000"]),
    ),
    st.builds(lambda port: f"http://localhost:{port}", st.integers(1, 65535)),
)


def test_the_fixed_dotted_ending_is_read_from_the_regex() -> None:
    assert [
        dotted_literal_suffix(re.compile(pattern, re.IGNORECASE)) if isinstance(pattern, str) else dotted_literal_suffix(pattern)
        for pattern in PATTERNS
    ] == [
        ".example.com",
        ".r7.example.org",
        ".example.com:8443",
        None,
        ".example.net",
        ".example.com",
        None,
        ".case.test",
        ".CASE.test",
    ]


@fuzz_settings(300)
@given(origin=origins)
def test_indexed_regex_matching_equals_trying_every_regex(origin: str) -> None:
    policy = CORSPolicy(origins=PATTERNS)
    compiled = [re.compile(pattern, re.IGNORECASE) if isinstance(pattern, str) else pattern for pattern in PATTERNS]
    expected = is_serialized_origin(origin) and any(pattern.fullmatch(origin) for pattern in compiled)
    assert policy.evaluate("GET", "/", origin=origin).allowed is expected
