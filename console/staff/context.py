"""Template context shared by every page: the user's abilities and the follow-up count."""

from console.staff import two_factor
from console.staff.models import ADMIN, CLINICIAN, Conversation


def console(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_2fa": False}
    if two_factor.pending(request):  # nothing about patients before the code is given
        return {"pending_2fa": True}
    return {
        "pending_2fa": False,
        "is_clinician": user.has_role(CLINICIAN),
        "is_admin": user.has_role(ADMIN),
        "awaiting_followup": Conversation.objects.filter(needs_followup=True).count(),
    }
