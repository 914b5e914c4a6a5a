"""Security regression suite: one module per vulnerability class.

Each module reproduces a known attack against CORSMiddleware or the policy engine and asserts
the secure outcome; each test's docstring names the class it guards.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def cors_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Records captured from the ``wsgi_cors`` logger at INFO and above."""
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    return caplog
