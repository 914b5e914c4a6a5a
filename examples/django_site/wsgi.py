"""WSGI entry point: Django's application; CORS is the ``wsgi_cors.django.CorsMiddleware`` entry in settings.

Run it with ``gunicorn django_site.wsgi`` from the ``examples`` directory (gunicorn looks for
``application`` by default).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{__package__}.settings")

application = get_wsgi_application()
