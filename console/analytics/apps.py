"""The analytics page's app: how the assistant is doing, from the console's summaries."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "console.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from console.analytics import receivers  # noqa: F401  (sync and follow-up hooks)
