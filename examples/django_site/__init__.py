"""A minimal Django project using ``wsgi_cors.django``: the middleware in ``MIDDLEWARE``, django-cors-headers' settings."""
