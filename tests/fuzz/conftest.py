"""Fuzzing: hypothesis properties (test_properties_*.py) and the atheris harness's smoke run.

Sizes are set per test with ``strategies.fuzz_settings``; ``WSGI_CORS_FUZZ_SCALE=20 pytest tests/fuzz``
runs twenty times as many examples. Under ``CI=true`` every run is derandomized (reproducible).
"""
