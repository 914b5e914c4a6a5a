"""The Django door: ``wsgi_cors.django.CorsMiddleware`` for ``MIDDLEWARE``, ``"wsgi_cors.django"`` for ``INSTALLED_APPS``.

Replacing django-cors-headers takes two settings: ``"corsheaders"`` becomes ``"wsgi_cors.django"``
in ``INSTALLED_APPS`` and ``"corsheaders.middleware.CorsMiddleware"`` becomes
``"wsgi_cors.django.CorsMiddleware"`` in ``MIDDLEWARE``; the ``CORS_*`` settings stay as they are.
Per-view policies: :func:`wsgi_cors.django.decorators.cors`. Django is an optional extra
(``pip install wsgi_cors[django]``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["CorsMiddleware", "cors"]


def __getattr__(name: str) -> Any:
    # Lazy: INSTALLED_APPS imports this package before settings are ready; the middleware needs them.
    if name == "CorsMiddleware":
        from .middleware import CorsMiddleware

        return CorsMiddleware
    if name == "cors":
        from .decorators import cors

        return cors
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
