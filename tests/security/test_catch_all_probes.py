"""Catch-all regexes and predicates with credentials: probed with attacker origins, refused on a match.

``https://[\\w.-]+`` admits every https site, so with ``supports_credentials=True`` any page reads
responses sent with the user's cookies. The old probes always carried a port or a reserved TLD, so
this regex (and ``lambda o: True``) passed. Every regex and predicate is now tried with names anyone can
set up (``wsgi_cors._origin_probes``): hash-derived labels under real public suffixes, with and without a port,
plain http, IP literals; the labels cannot appear in an allow-list, so a real allow-list never matches.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wsgi_cors import ConfigError, CORSPolicy, Location
from wsgi_cors import _problems as kinds
from wsgi_cors._origin_probes import attacker_matches
from wsgi_cors._publicsuffix import is_public_suffix, public_suffixes_under

from ..fuzz.strategies import fuzz_settings

CATCH_ALL_REGEXES = [
    r"https://[\w.-]+",
    r"https://[a-z0-9.-]+",
    r"https://[^:/]+",
    r"https://[^/]+",
    r"https?://.+",
    r"https://.+\..+",
    r"https://[a-z0-9-]+\.[a-z]{2,}",
    r"https://(?:[a-z0-9-]+\.)+[a-z]+",
    r"http://[\w.-]+(:\d+)?",
    re.compile(r"HTTPS://[A-Z0-9.-]+", re.IGNORECASE),
]


@pytest.mark.parametrize("pattern", CATCH_ALL_REGEXES, ids=lambda pattern: getattr(pattern, "pattern", pattern))
def test_catch_all_regex_with_credentials_is_refused_naming_the_regex(pattern: Any) -> None:
    """Catch-all regex: a regex that admits origins anyone can set up is a ConfigError that names it, shows a match, and the fix."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[pattern], supports_credentials=True)
    source = getattr(pattern, "pattern", pattern)
    problem = next(problem for problem in raised.value.problems if problem.value == source)
    assert (problem.code, problem.location) == (kinds.CREDENTIALS_CATCH_ALL.code, Location("origins", index=0))
    assert repr(source) in problem.problem and "://" in problem.problem  # the regex, and an example origin it admitted


@pytest.mark.parametrize(
    "predicate",
    [
        lambda origin: True,
        lambda origin: origin.startswith("https://"),
        lambda origin: "." in origin,
        lambda origin: not origin.endswith(".example.com"),
    ],
)
def test_catch_all_predicate_with_credentials_is_refused(predicate: Any) -> None:
    """Catch-all predicate: a predicate that admits attacker origins is a ConfigError naming the predicate."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[predicate], supports_credentials=True)
    assert [(problem.code, problem.value) for problem in raised.value.problems] == [(kinds.CREDENTIALS_CATCH_ALL.code, predicate)]


def test_the_regex_refused_is_one_that_really_admits_any_site_at_run_time() -> None:
    """Catch-all regex: what the check is about: without credentials the same regex admits a stranger's origin."""
    policy = CORSPolicy(origins=[r"https://[\w.-]+"])
    assert policy.evaluate("GET", "/", origin="https://evil.com").allowed


def test_predicate_that_raises_on_probes_is_taken_as_not_admitting_them() -> None:
    """Catch-all predicate: an exception during probing means 'not admitted', as at request time; the build does not crash."""

    def buggy(origin: str) -> bool:
        raise RuntimeError("needs an app context")

    policy = CORSPolicy(origins=[buggy], supports_credentials=True)
    assert not policy.evaluate("GET", "/", origin="https://evil.com").allowed


def test_predicates_are_called_with_probe_origins_at_build_time_only_when_it_matters() -> None:
    """Catch-all predicate: probing calls user code when the policy is built, with credentials only (documented)."""
    seen: list[str] = []

    def recording(origin: str) -> bool:
        seen.append(origin)
        return origin == "https://app.example.com"

    CORSPolicy(origins=[recording])
    assert seen == []
    CORSPolicy(origins=[recording], supports_credentials=True)
    assert seen and all(origin.startswith(("https://", "http://")) for origin in seen)
    assert any(origin.endswith(".com") for origin in seen) and any(origin.endswith(":8443") for origin in seen)


@pytest.mark.parametrize(
    "allowed",
    [
        r"https://.*\.example\.com",
        r"https://[a-z0-9-]+\.example\.com(:\d+)?",
        r"https://(app|admin)\.example\.com",
        r"https://app[0-9]+\.example\.com",
        r"https?://localhost:\d+",
        r"http://127\.0\.0\.1:\d+",
        r"https://[a-z]+\.myproject\.github\.io",
        re.compile(r"https://[a-z]+\.example\.org"),
        r"https://[a-z0-9-]+\.partner\.co\.uk",
    ],
)
def test_allow_lists_of_owned_domains_are_accepted_with_credentials(allowed: Any) -> None:
    """Catch-all probes: no false positive on regexes confined to a domain someone owns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plain http to loopback is fine; https? warns about http, which is another check
        CORSPolicy(origins=[allowed], supports_credentials=True)


def test_owned_domain_predicate_is_accepted_with_credentials() -> None:
    """Catch-all probes: a predicate confined to a domain someone owns is accepted."""
    CORSPolicy(origins=[lambda origin: origin.endswith(".example.org")], supports_credentials=True)


def test_catch_all_regex_without_credentials_is_accepted() -> None:
    """Catch-all probes: without credentials a catch-all regex shares only public data, like origins='*'."""
    assert CORSPolicy(origins=[r"https://[\w.-]+"]).evaluate("GET", "/", origin="https://evil.com").allowed


def test_catch_all_in_a_path_rule_with_credentials_is_refused() -> None:
    """Catch-all probes: the check applies per path rule."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(resources={r"/api/.*": {"origins": [r"https://[^:/]+"], "supports_credentials": True}})
    assert {problem.code for problem in raised.value.problems} & {kinds.CREDENTIALS_CATCH_ALL.code}


# --- Probe properties: against generated allow-lists and catch-alls -----------------------------------------------

_LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,14}[a-z0-9]", fullmatch=True)
# Public suffixes a real configuration might sit under (each on the list or a default-rule TLD).
_SUFFIXES = st.sampled_from(
    ["com", "net", "org", "io", "co.uk", "com.au", "github.io", "herokuapp.com", "de", "example", "test", "jp"]
)


@fuzz_settings(60)
@given(
    owner=_LABEL,
    suffix=_SUFFIXES,
    shape=st.sampled_from(
        [
            r"https://{d}",
            r"https://[a-z0-9-]+\.{d}",
            r"https://.*\.{d}",
            r"https://(?:[a-z0-9-]+\.)*{d}(?::\d+)?",
            r"https?://[a-z]+\.{d}",
            r"https://(app|api|www)\.{d}",
        ]
    ),
)
def test_probes_never_match_a_regex_confined_to_an_owned_domain(owner: str, suffix: str, shape: str) -> None:
    """Catch-all probes: a regex whose matches all lie under a registrable domain (owner.suffix) matches no attacker origin."""
    domain = f"{owner}.{suffix}"
    assume(not is_public_suffix(domain) and not public_suffixes_under(domain))  # e.g. github.io, herokuapp.com are not owned
    pattern = re.compile(shape.format(d=re.escape(domain)), re.IGNORECASE)
    assert attacker_matches(pattern) is None


@fuzz_settings(60)
@given(
    suffix=_SUFFIXES,
    extra=st.sets(st.sampled_from("_~"), max_size=2),
    port=st.sampled_from(["", r"(:\d+)?", r"(?::[0-9]{1,5})?"]),
    scheme=st.sampled_from(["https", "https?", "(?:http|https)"]),
)
def test_probes_match_every_regex_that_admits_any_name_under_a_public_suffix(
    suffix: str, extra: set[str], port: str, scheme: str
) -> None:
    """Catch-all probes: a regex admitting any label under a public suffix (or any host at all) is matched by some probe."""
    chars = "a-z0-9-" + "".join(sorted(extra))
    for source in (rf"{scheme}://[{chars}]+\.{re.escape(suffix)}{port}", rf"{scheme}://[{chars}.]+{port}"):
        assert attacker_matches(re.compile(source, re.IGNORECASE)) is not None, source
