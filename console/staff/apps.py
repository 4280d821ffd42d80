from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "console.staff"
    label = "staff"
    verbose_name = "Staff console"

    def ready(self):
        from console.staff import signals  # noqa: F401  (login/logout/lockout audit)
