"""The WSGI door's option and difference tests, run unchanged against the ASGI door.

The test functions of ``tests/test_options.py`` and ``tests/test_differences.py`` are imported here (pytest
collects them in this module too) and ``cors_client`` in their modules is swapped for the ASGI adapter
(``tests.asgi.harness.asgi_cors_client``) while they run: one specification, both doors. The few tests that
drive the WSGI callable itself, or a WSGI-only feature, are left out below, each with its reason.
"""

from __future__ import annotations

import pytest

from tests import test_differences, test_options
from tests.asgi.harness import asgi_cors_client
from tests.test_differences import *  # noqa: F403
from tests.test_options import *  # noqa: F403

WSGI_ONLY = {
    # They call the WSGI callable with a hand-built environ (WebTest refuses CR/LF); tests/asgi/test_asgi_door.py
    # sends the same values through ASGI.
    "test_malformed_origin_is_not_allowed_even_with_star": "drives the WSGI callable directly",
    "test_malformed_origin_is_logged_escaped": "drives the WSGI callable directly",
    # SCRIPT_NAME is WSGI's mount point; ASGI's root_path is covered in tests/asgi/test_asgi_door.py.
    "test_path_rules_are_relative_to_script_name": "WSGI's SCRIPT_NAME",
}
for _name in WSGI_ONLY:
    assert globals().pop(_name, None) is not None, f"{_name} is no longer in the WSGI tests: update WSGI_ONLY"


@pytest.fixture(autouse=True)
def _asgi_door(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (test_options, test_differences):
        monkeypatch.setattr(module, "cors_client", asgi_cors_client)
