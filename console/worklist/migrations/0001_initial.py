"""The worklist's tables, and the index of open escalations it reads (on the staff app's
table, created here so that the staff app's migrations stay its own)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OPEN_INDEX = (
    "CREATE INDEX IF NOT EXISTS worklist_open_escalations ON staff_escalation "
    "(at, conversation_id) WHERE followup_status IN ('pending', 'no_answer')"
)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("staff", "0004_safety_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("claimed_at", models.DateTimeField(auto_now=True)),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="worklist_claim",
                        to="staff.conversation",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"indexes": [models.Index("owner", name="worklist_claim_owner")]},
        ),
        migrations.CreateModel(
            name="Step",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("claim", "Claimed"),
                            ("assign", "Assigned"),
                            ("release", "Released"),
                            ("resolve", "Resolved"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("no_answer", "No answer"),
                            ("called_back", "Called back"),
                            ("advised", "Advised"),
                            ("sent_to_emergency", "Sent to emergency care"),
                            ("closed", "Closed, no action needed"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "escalations",
                    models.JSONField(default=list, help_text="ids of the escalations resolved"),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="worklist_steps",
                        to="staff.conversation",
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="staff.note",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "indexes": [models.Index("conversation", "at", name="worklist_step_conv")],
            },
        ),
        migrations.RunSQL(OPEN_INDEX, "DROP INDEX IF EXISTS worklist_open_escalations"),
    ]
