"""A minimal Django project whose WSGI ``application`` is wrapped by wsgi_cors (see ``wsgi.py``)."""
