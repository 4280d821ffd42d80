"""Live takeover of a conversation by a member of the clinic's team (see service.py)."""

from django.apps import AppConfig


class TakeoverConfig(AppConfig):
    name = "console.takeover"
    label = "takeover"
    default_auto_field = "django.db.models.BigAutoField"
