"""ASGI entry point for Django: Django's ASGI application wrapped by the generic ASGI door.

The ``asgi.py`` counterpart of ``examples/django_site/wsgi.py`` (same project, same policy): preflights are
answered before Django runs, and Django's error pages carry the CORS headers.

Run it:  uvicorn examples.asgi.django_asgi:application --port 8000
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from wsgi_cors.asgi import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")

application = CORSMiddleware(
    get_asgi_application(),
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
