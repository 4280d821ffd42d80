"""Every URL of the console, anonymously and with each role, against one rule table.

A URL added to console/staff/urls.py without a rule here fails
test_every_url_has_a_rule, so nobody can add a page without deciding who may see it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.console import helpers

PUBLIC, REVIEWER, CLINICIAN, ADMIN = None, "reviewer", "clinician", "admin"
ROLES = ["reviewer", "clinician", "admin"]
RANK = {REVIEWER: 1, CLINICIAN: 2, ADMIN: 3}

# url name -> least role that may use it (each role may do what the ones before can)
RULES = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "home": REVIEWER,
    "password_change": REVIEWER,
    "two_factor_setup": REVIEWER,
    "two_factor_verify": REVIEWER,
    "conversations": REVIEWER,
    "followup_shortcut": REVIEWER,
    "transcript": REVIEWER,
    "review": REVIEWER,
    "tags": REVIEWER,
    "note": REVIEWER,
    "intent": REVIEWER,
    "annotations": REVIEWER,
    "safety_review": REVIEWER,
    "missed_red_flag": REVIEWER,
    "clinical_note": CLINICIAN,
    "reveal": CLINICIAN,
    "followup": CLINICIAN,
    "appointments": CLINICIAN,
    "appointment_status": CLINICIAN,
    "missed_export": CLINICIAN,
    "export_csv": ADMIN,
    "annotation_export": ADMIN,
    "users": ADMIN,
    "user_edit": ADMIN,
    "user_unlock": ADMIN,
    "user_two_factor_reset": ADMIN,
    "audit": ADMIN,
    "erasure": ADMIN,
    "retention": ADMIN,
    # console/analytics/urls.py (namespace analytics)
    "analytics": CLINICIAN,
    "analytics_export": CLINICIAN,
}
NAMESPACES = ("staff", "analytics")


def console_url_names():
    names = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + (pattern.namespace + ":" if pattern.namespace else ""),
                )
            elif isinstance(pattern, URLPattern):
                names.append(prefix + (pattern.name or f"<unnamed {pattern.pattern}>"))

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_rule():
    names = console_url_names()
    assert all(n.split(":", 1)[0] in NAMESPACES for n in names), names
    assert sorted(n.split(":", 1)[1] for n in names) == sorted(RULES)


def test_no_url_can_carry_patient_data():
    """Conversations, messages and requests are addressed by numbers only."""
    from console.analytics import urls as analytics_urls
    from console.staff import urls

    for pattern in urls.urlpatterns + analytics_urls.urlpatterns:
        assert all(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())


@pytest.fixture(scope="module")
def world(module_db, tmp_path_factory):
    """One conversation with an escalation, one appointment request, a user per role."""
    from console.staff.models import Conversation
    from console.staff.sync import sync

    with helpers.tracker_at(tmp_path_factory.mktemp("access")) as tracker:
        tracker.turn("access-patient", "hello")
        message = tracker.escalation("access-patient", "I cannot pass urine")
        request_id = tracker.appointment("access-patient")
        sync()
        conversation = Conversation.objects.get(sender_id="access-patient")
        staff = {role: helpers.make_user(role) for role in ROLES}
        yield {
            "pk": conversation.pk,
            "event_id": message,
            "escalation_pk": conversation.escalations.get().pk,
            "request_id": request_id,
            "user_pk": staff["reviewer"].pk,
            "staff": staff,
        }


@pytest.fixture
def client_for(world, db):
    def signed_in(role):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.1.2.3")
        if role:
            client.force_login(world["staff"][role])
        return client

    return signed_in


def url_of(name, world):
    from console.analytics import urls as analytics_urls
    from console.staff import urls

    for namespace, module in (("staff", urls), ("analytics", analytics_urls)):
        pattern = next((p for p in module.urlpatterns if p.name == name), None)
        if pattern is not None:
            kwargs = {k: world[k] for k in pattern.pattern.converters}
            return reverse(f"{namespace}:{name}", kwargs=kwargs)
    raise LookupError(name)


CASES = [
    (name, role, method) for name in RULES for role in [None] + ROLES for method in ("get", "post")
]


@pytest.mark.parametrize(
    "name,role,method", CASES, ids=[f"{n}-{r or 'anonymous'}-{m}" for n, r, m in CASES]
)
def test_access(world, client_for, name, role, method):
    url = url_of(name, world)
    response = getattr(client_for(role), method)(url)
    rule = RULES[name]
    if rule is PUBLIC:
        assert response.status_code in (200, 302, 405)
        return
    if role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:login") + "?next=")
        page = client_for(None).get(response["Location"])
        assert page.status_code == 200 and b'name="password"' in page.content
    elif RANK[role] >= RANK[rule]:
        assert response.status_code not in (401, 403), response.content[:500]
        assert not (
            response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))
        )
    else:
        assert response.status_code == 403


# The exact answer of the analytics URLs to each role (and the export with a table named).
EXACT = {
    ("analytics", "get", ""): 200,
    ("analytics", "post", ""): 405,
    ("analytics_export", "get", ""): 404,
    ("analytics_export", "get", "?table=funnel"): 200,
    ("analytics_export", "post", "?table=funnel"): 405,
}
EXACT_CASES = [(*key, role) for key in EXACT for role in [None] + ROLES]


@pytest.mark.parametrize(
    "name,method,query,role",
    EXACT_CASES,
    ids=[f"{n}-{m}{q}-{r or 'anonymous'}" for n, m, q, r in EXACT_CASES],
)
def test_exact_status_of_the_analytics_urls(world, client_for, name, method, query, role):
    response = getattr(client_for(role), method)(url_of(name, world) + query)
    if role is None:
        expected = 302
    elif RANK[role] >= RANK[RULES[name]]:
        expected = EXACT[(name, method, query)]
    else:
        expected = 403
    assert response.status_code == expected
