"""Forms of the console (all POSTed with a CSRF token)."""

from django import forms
from django.contrib.auth import password_validation

from console.staff.models import ANSWERS, FOLLOWUP_STATUSES, RED_FLAG_LEVELS, ROLES, Tag, User
from console.staff.tracker import APPOINTMENT_STATUSES

LEVEL_CHOICES = [
    ("", "Any"),
    ("escalated", "Any escalation"),
    ("EMERGENCY", "Emergency"),
    ("URGENT", "Urgent"),
    ("none", "No escalation"),
]
FOLLOWUP_CHOICES = [("", "Any"), ("open", "Awaiting follow-up")]
REVIEWED_CHOICES = [("", "Any"), ("no", "Not reviewed"), ("yes", "Reviewed")]
QUALITY_CHOICES = [
    ("", "Any"),
    ("fallback", "Fallback turns"),
    ("low_confidence", "Low-confidence turns"),
    ("either", "Fallback or low confidence"),
]


class FilterForm(forms.Form):
    """Conversation list filters; kept in the session, never in the URL."""

    level = forms.ChoiceField(label="Escalation", choices=LEVEL_CHOICES, required=False)
    followup = forms.ChoiceField(label="Follow-up", choices=FOLLOWUP_CHOICES, required=False)
    channel = forms.ChoiceField(label="Channel", required=False)
    date_from = forms.DateField(
        label="Active from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Active until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reviewed = forms.ChoiceField(label="Reviewed", choices=REVIEWED_CHOICES, required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    quality = forms.ChoiceField(label="NLU", choices=QUALITY_CHOICES, required=False)
    q = forms.CharField(label="Search messages or sender id", max_length=100, required=False)

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "Any")] + [(c, c) for c in channels]
        self.fields["tag"].choices = [("", "Any")] + [
            (str(t.pk), t.name) for t in Tag.objects.all()
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label="Follow-up status", choices=FOLLOWUP_STATUSES)
    note = forms.CharField(
        label="Clinical note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TagForm(forms.Form):
    name = forms.CharField(label="Add tag", max_length=40, required=False)
    remove = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split()).lower()


class ReviewForm(forms.Form):
    reviewed = forms.BooleanField(required=False)


class IntentForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("correct", "correct"), ("corrected", "corrected")])
    intent = forms.CharField(max_length=120, required=False)


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s.capitalize()) for s in APPOINTMENT_STATUSES])


class UserCreateForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]{2,150}$", max_length=150)
    role = forms.ChoiceField(choices=ROLES)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That username is taken.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError("The passwords differ.")
        if data.get("password1"):
            password_validation.validate_password(
                data["password1"], User(username=data.get("username", ""))
            )
        return data


class UserEditForm(forms.Form):
    role = forms.ChoiceField(choices=ROLES)
    is_active = forms.BooleanField(label="Active", required=False)
    password = forms.CharField(
        label="New password (leave empty to keep)",
        required=False,
        widget=forms.PasswordInput,
        strip=False,
    )
    admin_password = forms.CharField(
        label="Your own password (needed to set a new password)",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args, user=None, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.admin = user, admin

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        data = super().clean()
        if data.get("password") and not (
            self.admin and self.admin.check_password(data.get("admin_password") or "")
        ):
            self.add_error("admin_password", "Type your own password to set someone's password.")
        return data


class ReauthForm(forms.Form):
    """An admin's own password, typed again before a change to someone's sign-in."""

    admin_password = forms.CharField(
        label="Your own password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin

    def clean_admin_password(self):
        if not self.admin.check_password(self.cleaned_data["admin_password"]):
            raise forms.ValidationError("That is not your password.")
        return ""


class TokenForm(forms.Form):
    token = forms.CharField(label="Code from the app", max_length=10)

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or not 6 <= len(token) <= 8:
            raise forms.ValidationError("Type the six digits the app shows.")
        return token


class ErasureForm(forms.Form):
    sender_id = forms.CharField(label="Sender id", max_length=255)
    confirm = forms.CharField(label="Sender id again", max_length=255)
    appointments = forms.BooleanField(
        label="Also delete this sender's appointment requests", required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        if data.get("sender_id") != data.get("confirm"):
            raise forms.ValidationError("The two sender ids differ.")
        return data


CERTAINTY_CHOICES = [
    ("possible", "Possible findings"),
    ("confirmed", "Confirmed findings only"),
    ("cancelled", "Cancelled by context only"),
    ("any", "Possible, confirmed and cancelled"),
]
ANSWER_CHOICES = [("", "Any")] + [(v, label) for v, label in ANSWERS if v]


class SafetyFilterForm(forms.Form):
    """Filters of the safety review list; in the URL (none of them names a patient)."""

    certainty = forms.ChoiceField(label="Findings", choices=CERTAINTY_CHOICES, required=False)
    level = forms.ChoiceField(
        label="Level", choices=[("", "Any")] + RED_FLAG_LEVELS, required=False
    )
    category = forms.ChoiceField(label="Category", required=False)
    answer = forms.ChoiceField(
        label="Answer to “happening now?”", choices=ANSWER_CHOICES, required=False
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any")] + [(c, c) for c in categories]


class MissedRedFlagForm(forms.Form):
    level = forms.ChoiceField(label="Expected level", choices=RED_FLAG_LEVELS)
    category = forms.ChoiceField(label="Category (optional)", required=False)
    note = forms.CharField(
        label="Note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Not sure")] + [(c, c) for c in categories]
