"""Benchmarks for wsgi_cors: ``python -m tests.benchmarks.bench`` (in-process), ``python -m tests.benchmarks.wire``."""
