"""URL routes of the example project."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("api/items", views.items),
    path("api/session", views.session),
    path("public", views.public),
]
