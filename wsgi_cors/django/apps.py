"""The app config: ``"wsgi_cors.django"`` in ``INSTALLED_APPS`` registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import Tags, register


class WsgiCorsConfig(AppConfig):  # type: ignore[misc]  # Django ships no type information
    name = "wsgi_cors.django"
    label = "wsgi_cors"
    verbose_name = "wsgi_cors"

    def ready(self) -> None:
        from .checks import check_deploy, check_settings

        register(check_settings, Tags.security)
        register(check_deploy, Tags.security, deploy=True)
