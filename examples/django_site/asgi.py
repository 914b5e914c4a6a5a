"""ASGI entry point: the same settings, the same middleware, run as a coroutine (``uvicorn django_site.asgi:application``)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{__package__}.settings")

application = get_asgi_application()
