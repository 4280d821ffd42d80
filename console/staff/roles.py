"""Who may open what: every console view is wrapped in `role_required` (or is public)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from console.staff.models import ADMIN, CLINICIAN, REVIEWER  # noqa: F401  (re-exported)


def role_required(role: str):
    """Anonymous -> login page; signed in without the role -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
