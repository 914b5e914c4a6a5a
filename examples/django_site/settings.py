"""Settings for the smallest Django project that serves a JSON API to a browser app on another origin.

CORS is two entries (``"wsgi_cors.django"`` in ``INSTALLED_APPS`` for the system checks,
``"wsgi_cors.django.CorsMiddleware"`` first in ``MIDDLEWARE``) and django-cors-headers' settings.
The middleware comes first so that it answers preflights before CSRF or authentication run, and
adds the CORS headers to what they answer (a CSRF 403, a login redirect).
"""

from __future__ import annotations

# An example only: a real deployment reads its secret from the environment.
SECRET_KEY = "example-only-not-secret"
DEBUG = False
# "localhost" is what WebTest sends; "127.0.0.1" is what a local gunicorn or runserver sees.
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

# Relative to this package, so the project works as "django_site" (from examples/) and as "examples.django_site".
ROOT_URLCONF = f"{__package__}.urls"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "wsgi_cors.django",
]
MIDDLEWARE = [
    "wsgi_cors.django.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES: dict[str, dict[str, str]] = {}
# Sessions in signed cookies: no database needed for this example.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
USE_TZ = True

# --- CORS: django-cors-headers' settings, read by wsgi_cors.django ------------------------------------------
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_HEADERS = ["content-type", "x-api-key", "x-csrftoken"]
CORS_PREFLIGHT_MAX_AGE = 600
