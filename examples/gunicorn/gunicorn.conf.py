"""gunicorn settings for the example: wsgi_cors's refusal reasons in gunicorn's error log.

gunicorn reads ``gunicorn.conf.py`` from the current directory (``-c FILE`` names another). Left alone,
gunicorn configures only its own loggers, so the INFO line wsgi_cors writes for each refused request
(logger ``wsgi_cors``) reaches no handler and is dropped. ``logconfig_dict`` adds that logger, writing to
gunicorn's ``error_console`` handler (stderr) in gunicorn's format:

    [2026-01-01 12:00:00 +0000] [4242] [INFO] CORS preflight request rejected [origin-not-allowed]: ...

gunicorn updates its default logging dictionary with this one key by key, so ``loggers`` must repeat
gunicorn's own (``CONFIG_DEFAULTS``) for them to stay as they are. ``tests/test_framework_examples.py``
runs gunicorn with this file and reads the line from its error log.
"""

from gunicorn.glogging import CONFIG_DEFAULTS

logconfig_dict = {
    "loggers": {
        **CONFIG_DEFAULTS["loggers"],
        # propagate=False: the root logger of this dictionary writes to stdout too; one line per refusal is enough.
        "wsgi_cors": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
    },
}
