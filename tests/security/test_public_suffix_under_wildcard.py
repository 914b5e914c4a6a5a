"""Public suffixes under a wildcard, and regexes over public suffixes, checked against the real list.

(a) ``r"https://[a-z0-9-]+\\.github\\.io"`` or ``r"https://.*\\.com"`` with credentials admits any GitHub Pages
site or any .com: refused like ``https://*.github.io``, with the same opt-in (allow_public_suffix_wildcards).
(b) ``*.`` spans several labels, so ``https://*.amazonaws.com`` admits ``https://x.s3.amazonaws.com``, a name
anyone can register because ``s3.amazonaws.com`` is on the Public Suffix List. A wildcard is refused when a public
suffix lies at *or under* its domain. Both sections of the list count (ICANN and private: the shared hosting
suffixes are in the private one). Without credentials nothing changes (public data), as for the existing check.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from publicsuffixlist import PublicSuffixList

from wsgi_cors import ConfigError, CORSPolicy
from wsgi_cors import _problems as kinds
from wsgi_cors._publicsuffix import public_suffixes_under

from ..fuzz.strategies import fuzz_settings


@pytest.mark.parametrize(
    "pattern,under",
    [
        ("https://*.amazonaws.com", "amazonaws.com"),
        ("https://*.windows.net", "windows.net"),
        ("https://*.on.aws", "on.aws"),
        ("https://*.core.windows.net:*", "core.windows.net"),
    ],
)
def test_wildcard_with_a_public_suffix_under_its_domain_is_refused_with_credentials(pattern: str, under: str) -> None:
    """Suffix under a wildcard: the error names the pattern, a public suffix under it, and the opt-in."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[pattern], supports_credentials=True)
    (problem,) = raised.value.problems
    assert problem.value == pattern
    assert problem.code == kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code and f".{under}'" in problem.problem
    assert "allow_public_suffix_wildcards=True" in problem.fix


def test_what_the_wildcard_admits_is_a_name_under_the_deeper_suffix() -> None:
    """Suffix under a wildcard: the danger is real: with the opt-in, '*.amazonaws.com' admits a stranger's S3 bucket site."""
    policy = CORSPolicy(origins=["https://*.amazonaws.com"], supports_credentials=True, allow_public_suffix_wildcards=True)
    assert policy.evaluate("GET", "/", origin="https://attacker-bucket.s3.amazonaws.com").allowed


def test_wildcard_under_a_public_suffix_stays_allowed_without_credentials() -> None:
    """Suffix under a wildcard: without credentials only public data is shared; no error, no warning."""
    CORSPolicy(origins=["https://*.amazonaws.com"])


@pytest.mark.parametrize(
    "regex",
    [
        r"https://[a-z0-9-]+\.github\.io",
        r"https://.*\.com",
        r"https://[a-z0-9.-]+\.amazonaws\.com",
        r"https://[a-z0-9-]+\.herokuapp\.com(:\d+)?",
        r"https://(?:[a-z0-9-]+\.)+co\.uk",
        r"https://[a-z]+\.s3\.amazonaws\.com",
        re.compile(r"https://[\w-]+\.blogspot\.com"),
    ],
)
def test_regex_over_a_public_suffix_with_credentials_is_refused(regex: object) -> None:
    """Regex over a public suffix: refused with credentials, naming the regex, an admitted origin and the opt-in."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[regex], supports_credentials=True)
    (problem,) = raised.value.problems
    assert problem.value == getattr(regex, "pattern", regex)
    assert problem.code == kinds.CREDENTIALS_PUBLIC_SUFFIX_PATTERN.code and "https://" in problem.problem
    assert "allow_public_suffix_wildcards=True" in problem.fix


def test_regex_over_a_public_suffix_is_accepted_with_the_opt_in() -> None:
    """Regex over a public suffix: the opt-in that covers '*.github.io' covers the regex too."""
    policy = CORSPolicy(
        origins=[r"https://[a-z0-9-]+\.github\.io"], supports_credentials=True, allow_public_suffix_wildcards=True
    )
    assert policy.evaluate("GET", "/", origin="https://someone.github.io").allowed


def test_regex_over_a_public_suffix_is_accepted_without_credentials() -> None:
    """Regex over a public suffix: without credentials nothing changes."""
    assert CORSPolicy(origins=[r"https://.*\.com"]).evaluate("GET", "/", origin="https://evil.com").allowed


@pytest.mark.parametrize(
    "domain,expected",
    [
        ("amazonaws.com", "s3.amazonaws.com"),
        ("windows.net", "blob.core.windows.net"),
        ("on.aws", None),
        ("AmazonAWS.com.", "s3.amazonaws.com"),
        ("kawasaki.jp", "*.kawasaki.jp"),
    ],
)
def test_public_suffixes_under_a_domain(domain: str, expected: object) -> None:
    """Suffix index: the entries strictly under a domain, wildcard rules kept with their '*'."""
    found = public_suffixes_under(domain)
    assert found
    if expected is not None:
        assert expected in found
    assert all(entry.endswith("." + domain.lower().rstrip(".")) for entry in found)


@pytest.mark.parametrize("domain", ["example.com", "github.io", "myorg.github.io", "city.kawasaki.jp", "localhost"])
def test_no_public_suffix_under_leaf_or_registrable_domains(domain: str) -> None:
    """Suffix index: registrable names (and exception rules such as !city.kawasaki.jp) have nothing under them."""
    assert public_suffixes_under(domain) == ()


# --- Against the real list: every entry with a parent --------------------------------------------------------------


def _entries(*, exceptions: bool) -> list[str]:
    """The list's ASCII rules of two labels or more (as the package parsed them, punycode included); exception rules without '!'."""
    rules = PublicSuffixList()._publicsuffix
    return sorted(
        {rule.lstrip("!") for rule in rules if rule.isascii() and rule.count(".") >= 1 and (exceptions or rule[0] != "!")}
    )


ENTRIES = _entries(exceptions=True)
SUFFIX_ENTRIES = _entries(exceptions=False)


def _fill(name: str) -> str:
    return name.replace("*", "anylabel")


@fuzz_settings(80)
@given(entry=st.sampled_from(ENTRIES))
def test_wildcard_over_the_parent_of_any_list_entry_is_refused_with_credentials(entry: str) -> None:
    """Suffix under a wildcard, real list: for any entry, 'https://*.<its parent>' with credentials is refused (item 4b)."""
    parent = _fill(entry.split(".", 1)[1])
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[f"https://*.{parent}"], supports_credentials=True)
    assert {problem.code for problem in raised.value.problems} & {kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code}


@fuzz_settings(80)
@given(
    entry=st.sampled_from(SUFFIX_ENTRIES),
    shape=st.sampled_from([r"https://[a-z0-9-]+\.{s}", r"https://(?:[a-z0-9-]+\.)+{s}(:\d+)?", r"https://.*\.{s}"]),
)
def test_regex_over_any_list_entry_is_refused_with_credentials(entry: str, shape: str) -> None:
    """Regex over a public suffix, real list: a regex admitting any label under an entry is refused with credentials (item 4a)."""
    suffix = _fill(entry)
    regex = shape.format(s=re.escape(suffix))
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[regex], supports_credentials=True)
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_PUBLIC_SUFFIX_PATTERN.code,
        kinds.CREDENTIALS_CATCH_ALL.code,
    }
