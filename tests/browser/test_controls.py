"""Control scenarios: hand-written CORS responses that wsgi_cors never sends, judged by Chromium.

They show that the suite can see a broken response (duplicate ACAO, ``*`` with credentials, a
missing ``Vary``...), that the oracle rejects it for Chromium's reason, and they pin down the
places where Chromium departs from the Fetch standard (``test_chromium_differs_*``): there the
oracle follows the standard, the browser is asserted to do what Chromium does today, and a
change in Chromium makes the test fail with instructions.
"""

from __future__ import annotations

from .conftest import Origins
from .driver import Session
from .servers import ControlApp, Recorder

ALLOW_ORIGIN = ("Access-Control-Allow-Origin", "{origin}")
ALLOW_CREDENTIALS = ("Access-Control-Allow-Credentials", "true")


def test_duplicate_acao_is_blocked_even_when_both_values_are_right(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("ctl-duplicate-acao", ControlApp(actual=[ALLOW_ORIGIN, ALLOW_ORIGIN]))
    outcome = browser.open(origins.page_a).fetch("ctl-duplicate-acao", "/x")
    assert not outcome.ok, outcome.explain()
    assert "contains multiple values" in outcome.cors_error, outcome.explain()


def test_wildcard_acao_with_credentials_is_blocked(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("ctl-star-credentials", ControlApp(actual=[("Access-Control-Allow-Origin", "*"), ALLOW_CREDENTIALS]))
    outcome = browser.open(origins.page_a).fetch("ctl-star-credentials", "/x", credentials="include")
    assert not outcome.ok, outcome.explain()
    assert "must not be the wildcard '*'" in outcome.cors_error, outcome.explain()


def test_acac_is_case_sensitive(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("ctl-acac-case", ControlApp(actual=[ALLOW_ORIGIN, ("Access-Control-Allow-Credentials", "True")]))
    outcome = browser.open(origins.page_a).fetch("ctl-acac-case", "/x", credentials="include")
    assert not outcome.ok, outcome.explain()


def test_acah_wildcard_is_literal_with_credentials(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "ctl-acah-star-credentials",
        ControlApp(
            preflight=[
                ALLOW_ORIGIN,
                ALLOW_CREDENTIALS,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "*"),
            ],
            actual=[ALLOW_ORIGIN, ALLOW_CREDENTIALS],
        ),
    )
    outcome = browser.open(origins.page_a).fetch(
        "ctl-acah-star-credentials", "/x", method="PUT", headers={"X-Api-Key": "k"}, credentials="include"
    )
    assert not outcome.ok, outcome.explain()
    assert outcome.actual_requests == [], outcome.explain()


def test_expose_wildcard_is_literal_with_credentials(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "ctl-aceh-star-credentials",
        ControlApp(actual=[ALLOW_ORIGIN, ALLOW_CREDENTIALS, ("Access-Control-Expose-Headers", "*")]),
    )
    outcome = browser.open(origins.page_a).fetch("ctl-aceh-star-credentials", "/headers", credentials="include")
    assert outcome.ok, outcome.explain()
    assert outcome.js.header("X-Total") is None


def test_expose_wildcard_exposes_everything_without_credentials(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("ctl-aceh-star", ControlApp(actual=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "*")]))
    outcome = browser.open(origins.page_a).fetch("ctl-aceh-star", "/headers")
    assert outcome.ok, outcome.explain()
    assert outcome.js.header("X-Total") == "42"


def test_unparsable_acam_blocks_the_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "ctl-acam-unparsable",
        ControlApp(preflight=[ALLOW_ORIGIN, ("Access-Control-Allow-Methods", "GET PUT")], actual=[ALLOW_ORIGIN]),
    )
    outcome = browser.open(origins.page_a).fetch("ctl-acam-unparsable", "/x", method="PUT")
    assert not outcome.ok, outcome.explain()
    assert "Cannot parse Access-Control-Allow-Methods" in outcome.cors_error, outcome.explain()


def test_method_case_matters_lowercase_patch_is_not_acam_patch(browser: Session, api: Recorder, origins: Origins) -> None:
    """fetch() upper-cases only DELETE GET HEAD OPTIONS POST PUT; ``patch`` must be allowed as ``patch``.

    Chromium's source once upper-cased every method before this comparison; Chromium 156 does not.
    """
    api.mount(
        "ctl-method-case",
        ControlApp(preflight=[ALLOW_ORIGIN, ("Access-Control-Allow-Methods", "PATCH")], actual=[ALLOW_ORIGIN]),
    )
    outcome = browser.open(origins.page_a).fetch("ctl-method-case", "/x", method="patch")
    assert outcome.preflights[0].headers["access-control-request-method"] == "patch"
    assert not outcome.ok, outcome.explain()
    assert "Method patch is not allowed" in outcome.cors_error, outcome.explain()


def test_unparsable_expose_headers_exposes_only_the_safelist(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "ctl-aceh-unparsable",
        ControlApp(actual=[ALLOW_ORIGIN, ("Access-Control-Expose-Headers", "X-Total, X Secret")]),
    )
    outcome = browser.open(origins.page_a).fetch("ctl-aceh-unparsable", "/headers")
    assert outcome.ok, outcome.explain()
    assert outcome.js.header("X-Total") is None
    assert outcome.js.header("Cache-Control") == "no-store"


def test_duplicate_max_age_falls_back_to_five_seconds(browser: Session, api: Recorder, origins: Origins) -> None:
    """Two ``Access-Control-Max-Age: 0`` headers are one invalid value, so 5 s, not 0: no second preflight."""
    api.mount(
        "ctl-max-age-duplicate",
        ControlApp(
            preflight=[
                ALLOW_ORIGIN,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "0"),
                ("Access-Control-Max-Age", "0"),
            ],
            actual=[ALLOW_ORIGIN],
        ),
    )
    tab = browser.open(origins.page_a)
    first = tab.fetch("ctl-max-age-duplicate", "/x", method="PUT")
    second = tab.fetch("ctl-max-age-duplicate", "/x", method="PUT")
    assert first.preflight_verdict is not None and first.preflight_verdict.max_age == 5
    assert second.ok and second.preflights == [], second.explain()


def test_redirected_preflight_is_blocked(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "ctl-preflight-redirect",
        ControlApp(
            preflight=[ALLOW_ORIGIN, ("Access-Control-Allow-Methods", "PUT"), ("Location", "/elsewhere")],
            preflight_status="307 Temporary Redirect",
        ),
    )
    outcome = browser.open(origins.page_a).fetch("ctl-preflight-redirect", "/x", method="PUT")
    assert not outcome.ok, outcome.explain()
    assert "Redirect is not allowed for a preflight request" in outcome.cors_error, outcome.explain()


def test_http_cache_without_vary_origin_serves_another_origins_acao(browser: Session, api: Recorder, origins: Origins) -> None:
    """Why ``Vary: Origin`` matters: page B gets page A's cached response, ACAO and all."""
    api.mount("ctl-no-vary", ControlApp(actual=[ALLOW_ORIGIN]))
    first = browser.open(origins.page_a).fetch("ctl-no-vary", "/cacheable")
    assert first.ok, first.explain()
    second = browser.open(origins.page_b).fetch("ctl-no-vary", "/cacheable", cached=first.exchanges[-1])
    assert second.exchanges == [], "the browser should have reused its cached response\n" + second.explain()
    assert not second.ok, second.explain()
    assert "not equal to the supplied origin" in second.cors_error, second.explain()


# --- where Chromium departs from the Fetch standard ------------------------------------------

CHROMIUM_CHANGED = (
    "Chromium now behaves as the Fetch standard says here: remove this divergence from "
    "tests/browser/test_controls.py and from the list in wsgi_cors/testing.py's docstring."
)


def test_chromium_differs_acah_wildcard_covers_authorization(browser: Session, api: Recorder, origins: Origins) -> None:
    """Standard: ``*`` never covers Authorization. Chromium: it does, without a console message."""
    api.mount(
        "div-authorization-star",
        ControlApp(
            preflight=[ALLOW_ORIGIN, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")],
            actual=[ALLOW_ORIGIN],
        ),
    )
    outcome = browser.open(origins.page_a).fetch(
        "div-authorization-star", "/x", method="PUT", headers={"Authorization": "Bearer t"}, check_oracle=False
    )
    assert not outcome.oracle.ok
    assert "field authorization is not allowed" in outcome.oracle.reason
    assert outcome.ok, CHROMIUM_CHANGED + "\n" + outcome.explain()
    assert outcome.json_body()["authorization"] == "Bearer t"


def test_chromium_differs_negative_max_age_disables_caching(browser: Session, api: Recorder, origins: Origins) -> None:
    """Standard: ``-1`` is invalid, so 5 s. Chromium: a negative value means 0 s, no caching."""
    api.mount(
        "div-negative-max-age",
        ControlApp(
            preflight=[ALLOW_ORIGIN, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "-1")],
            actual=[ALLOW_ORIGIN],
        ),
    )
    tab = browser.open(origins.page_a)
    first = tab.fetch("div-negative-max-age", "/x", method="PUT")
    second = tab.fetch("div-negative-max-age", "/x", method="PUT")
    assert first.preflight_verdict is not None
    assert first.preflight_verdict.max_age == 5  # the standard: reusable for 5 s, so no second preflight
    assert len(second.preflights) == 1, CHROMIUM_CHANGED + "\n" + second.explain()
