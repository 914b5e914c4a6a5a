"""WSGI entry point: Django's application, wrapped by wsgi_cors.

Run it with ``gunicorn django_site.wsgi`` from the ``examples`` directory (gunicorn looks for
``application`` by default). Wrapping here rather than adding a Django middleware means a
preflight is answered by wsgi_cors before Django runs at all, and a Django error page still
carries the CORS headers a browser needs to show the page the real error.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from wsgi_cors import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{__package__}.settings")

application = CORSMiddleware(
    get_wsgi_application(),
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
