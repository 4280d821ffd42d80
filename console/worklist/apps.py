"""Django app of the escalation worklist (console/worklist/)."""

from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "console.worklist"
    label = "worklist"
    default_auto_field = "django.db.models.BigAutoField"
