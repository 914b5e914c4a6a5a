"""Settings for the smallest Django project that serves a JSON API.

Nothing here is about CORS: the middleware wraps the WSGI application in ``wsgi.py``, outside
Django, so preflights are answered before Django's middleware stack (CSRF, sessions,
authentication) ever sees them. That is why there is no ``corsheaders`` entry below.
"""

from __future__ import annotations

# An example only: a real deployment reads its secret from the environment.
SECRET_KEY = "example-only-not-secret"
DEBUG = False
# "localhost" is what WebTest sends; "127.0.0.1" is what a local gunicorn or runserver sees.
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

# Relative to this package, so the project works as "django_site" (from examples/) and as "examples.django_site".
ROOT_URLCONF = f"{__package__}.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
