"""Every URL of the console. Conversations are addressed by the console's own number,
never by sender id, so no patient data appears in a URL. tests/console/test_access.py
holds the role rule of each name: a URL added here without a rule fails that test."""

from django.urls import path

from console.staff.views import (
    admin,
    annotations,
    appointments,
    auth,
    conversations,
    safety,
    transcript,
    two_factor,
)

app_name = "staff"
urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("", auth.home, name="home"),
    path("account/password/", auth.password_change, name="password_change"),
    path("account/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("conversations/", conversations.conversation_list, name="conversations"),
    path(
        "conversations/awaiting-follow-up/",
        conversations.followup_shortcut,
        name="followup_shortcut",
    ),
    path("conversations/export.csv", conversations.export_csv, name="export_csv"),
    path("conversations/<int:pk>/", transcript.transcript, name="transcript"),
    path("conversations/<int:pk>/review/", transcript.review, name="review"),
    path("conversations/<int:pk>/reveal/", transcript.reveal, name="reveal"),
    path("conversations/<int:pk>/tags/", transcript.tags, name="tags"),
    path("conversations/<int:pk>/notes/", transcript.note, name="note"),
    path("conversations/<int:pk>/clinical-notes/", transcript.clinical_note, name="clinical_note"),
    path(
        "conversations/<int:pk>/messages/<int:event_id>/intent/", transcript.intent, name="intent"
    ),
    path(
        "conversations/<int:pk>/escalations/<int:escalation_pk>/follow-up/",
        transcript.followup,
        name="followup",
    ),
    path(
        "conversations/<int:pk>/messages/<int:event_id>/missed-red-flag/",
        safety.missed_red_flag,
        name="missed_red_flag",
    ),
    path("safety-review/", safety.safety_review, name="safety_review"),
    path("safety-review/missed-red-flags.yml", safety.missed_export, name="missed_export"),
    path("annotations/", annotations.annotation_list, name="annotations"),
    path("annotations/export.yml", annotations.annotation_export, name="annotation_export"),
    path("appointments/", appointments.appointment_list, name="appointments"),
    path(
        "appointments/<int:request_id>/status/",
        appointments.appointment_status,
        name="appointment_status",
    ),
    path("users/", admin.users, name="users"),
    path("users/<int:user_pk>/", admin.user_edit, name="user_edit"),
    path("users/<int:user_pk>/unlock/", admin.user_unlock, name="user_unlock"),
    path(
        "users/<int:user_pk>/two-factor/reset/",
        admin.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("audit/", admin.audit_log, name="audit"),
    path("erasure/", admin.erasure, name="erasure"),
    path("retention/", admin.retention_view, name="retention"),
]
