"""A bare WSGI application that knows nothing about CORS; gunicorn wraps it at start-up.

See ``README.md`` in this directory for the command: the policy lives in ``cors.toml``, so
changing who may call the API is a configuration change, not a code change.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer ``/api/...`` with a JSON document and everything else with plain text."""
    if environ.get("PATH_INFO", "").startswith("/api/"):
        body = json.dumps({"items": [{"id": 1, "name": "first item"}]}).encode()
        content_type = "application/json"
    else:
        body = b"gunicorn example home\n"
        content_type = "text/plain"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
