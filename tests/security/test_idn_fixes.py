"""IDN fixes name what the browser sends: UTS #46, non-transitional, as the URL standard.

A browser on ``faß.de`` sends ``Origin: https://xn--fa-hia.de`` (URL standard "domain to ASCII": UTS #46 with
Transitional_Processing=false). Python's ``"idna"`` codec is IDNA 2003 and maps ß to ss, so the old fix told the
user to allow ``https://fass.de``, somebody else's domain. Expected values are the UTS #46 non-transitional
examples (unicode.org/reports/tr46, section 2.3 and its conformance data) and WPT url/resources/toascii.json.
"""

from __future__ import annotations

import pytest

from wsgi_cors import ConfigError, CORSPolicy
from wsgi_cors import _problems as kinds


@pytest.mark.parametrize(
    "configured,browser_sends",
    [
        ("https://faß.de", "https://xn--fa-hia.de"),  # ß is kept (deviation character), not mapped to ss
        ("https://βόλος.com", "https://xn--nxasmm1c.com"),  # final sigma ς kept (transitional: xn--nxasmq6b)
        ("https://straße.example", "https://xn--strae-oqa.example"),
        ("https://σόλος.gr", "https://xn--wxaijb9b.gr"),
        ("https://ශ්\u200dරී.com", "https://xn--10cl1a0b660p.com"),  # ZWJ after a virama kept (CONTEXTJ)
        ("https://Bücher.example", "https://xn--bcher-kva.example"),  # mapped to lower case, as the URL parser does
        ("https://日本語.jp:8443", "https://xn--wgv71a119e.jp:8443"),
        ("https://ＡＢＣ.example", "https://abc.example"),  # full-width letters are mapped to ASCII
        ("https://*.faß.de", "https://*.xn--fa-hia.de"),
        ("http://faß.de:*", "http://xn--fa-hia.de:*"),
    ],
)
def test_idn_origin_fix_is_the_uts46_non_transitional_form(configured: str, browser_sends: str) -> None:
    """IDN fix: the ConfigError's fix names the origin the browser serializes, not the IDNA 2003 one."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[configured])
    (problem,) = raised.value.problems
    assert problem.fix == f"write {browser_sends!r}"


def test_the_suggested_origin_is_accepted_and_admits_the_browser_origin() -> None:
    """IDN fix: following the fix gives a policy that admits what the browser on faß.de sends, and not fass.de."""
    policy = CORSPolicy(origins=["https://xn--fa-hia.de"])
    assert policy.evaluate("GET", "/", origin="https://xn--fa-hia.de").allowed
    assert not policy.evaluate("GET", "/", origin="https://fass.de").allowed


@pytest.mark.parametrize("configured", ["https://a\u200db.com", "https://\u0661\u0031.com"])
def test_host_that_is_no_valid_idn_gets_the_generic_fix(configured: str) -> None:
    """IDN fix: a host UTS #46 refuses (a ZWJ with no virama; an Arabic-Indic digit beside an ASCII one, the Bidi rule) gets no fix to copy."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[configured])
    assert raised.value.problems[0].code == kinds.INVALID_ORIGIN.code
    assert "punycode" in raised.value.problems[0].fix
