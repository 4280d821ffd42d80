"""Every URL of the console, anonymously and with each role, against one rule table.

A URL added to console/staff/urls.py (or another app's urls.py) without a rule here fails
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
    # live takeover (console/takeover/urls.py)
    "takeover:start": REVIEWER,
    "takeover:live": REVIEWER,
    "takeover:feed": REVIEWER,
    "takeover:send": REVIEWER,
    "takeover:hand_back": REVIEWER,
    # the analytics page (console/analytics/urls.py)
    "analytics:analytics": CLINICIAN,
    "analytics:analytics_export": CLINICIAN,
}

# The worklist's URLs (console/worklist/urls.py): the least role, and the exact status each
# method answers to a role that may use it (a denied role gets 403, anonymous the login).
WORKLIST_RULES = {
    "worklist:list": (REVIEWER, {"get": 200, "post": 405}),
    "worklist:json": (REVIEWER, {"get": 200, "post": 405}),
    "worklist:claim": (CLINICIAN, {"get": 405, "post": 302}),
    "worklist:assign": (CLINICIAN, {"get": 405, "post": 302}),
    "worklist:release": (CLINICIAN, {"get": 405, "post": 302}),
    "worklist:resolve": (CLINICIAN, {"get": 405, "post": 302}),
}


def console_url_names():
    names = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace + ":" if pattern.namespace else ""
                walk(pattern.url_patterns, prefix + namespace)
            elif isinstance(pattern, URLPattern):
                names.append(prefix + (pattern.name or f"<unnamed {pattern.pattern}>"))

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_rule():
    names = console_url_names()
    staff = [f"staff:{n}" for n in RULES if ":" not in n]
    others = [n for n in RULES if ":" in n]
    assert sorted(names) == sorted(staff + others + list(WORKLIST_RULES))


def test_no_url_can_carry_patient_data():
    """Conversations, messages and requests are addressed by numbers only."""
    from console.analytics import urls as analytics_urls
    from console.staff import urls
    from console.takeover import urls as takeover_urls
    from console.worklist import urls as worklist_urls

    patterns = (
        urls.urlpatterns
        + takeover_urls.urlpatterns
        + worklist_urls.urlpatterns
        + analytics_urls.urlpatterns
    )
    for pattern in patterns:
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
    from console.takeover import urls as takeover_urls

    modules = {"staff": urls, "takeover": takeover_urls, "analytics": analytics_urls}
    namespace, _, short = name.rpartition(":")
    namespace = namespace or "staff"
    pattern = next(p for p in modules[namespace].urlpatterns if p.name == short)
    kwargs = {k: world[k] for k in pattern.pattern.converters}
    return reverse(f"{namespace}:{short}", kwargs=kwargs)


CASES = [
    (name, role, method) for name in RULES for role in [None] + ROLES for method in ("get", "post")
]

# url name -> the exact status of (GET, POST), without form data, for a user who may use
# it: 200 a page, 302 done and sent on (never to the login page), 405 the method the view
# does not take (forms that only POST, exports that only POST). A public URL gives these to
# every signed-in user; PUBLIC_ANONYMOUS has what it gives a visitor.
ALLOWED = {
    "login": (302, 302),  # already signed in: to the conversations
    "logout": (405, 302),
    "home": (302, 302),
    "password_change": (200, 200),
    "two_factor_setup": (200, 200),
    "two_factor_verify": (302, 302),  # no app enrolled: to the set-up page
    "conversations": (200, 302),
    "followup_shortcut": (405, 302),
    "transcript": (200, 200),
    "review": (405, 302),
    "tags": (405, 302),
    "note": (405, 302),
    "intent": (405, 302),
    "annotations": (200, 200),
    "safety_review": (200, 200),
    "missed_red_flag": (405, 302),
    "clinical_note": (405, 302),
    "reveal": (405, 302),
    "followup": (405, 302),
    "appointments": (200, 200),
    "appointment_status": (405, 302),
    "missed_export": (405, 200),
    "export_csv": (405, 200),
    "annotation_export": (405, 200),
    "users": (200, 200),
    "user_edit": (200, 200),
    "user_unlock": (405, 302),
    "user_two_factor_reset": (405, 302),
    "audit": (200, 200),
    "erasure": (200, 200),
    "retention": (200, 200),
    # without a takeover open, and with the Rasa server unreachable (a takeover cannot
    # start: back to the page)
    "takeover:start": (405, 302),
    "takeover:live": (200, 405),
    "takeover:feed": (200, 405),
    "takeover:send": (405, 302),
    "takeover:hand_back": (405, 302),
    "analytics:analytics": (200, 405),
    "analytics:analytics_export": (404, 405),  # no table named (see below for one)
}
PUBLIC_ANONYMOUS = {"login": (200, 200), "logout": (405, 302)}


def test_every_url_has_its_expected_statuses():
    assert sorted(ALLOWED) == sorted(RULES)
    assert sorted(PUBLIC_ANONYMOUS) == sorted(n for n, rule in RULES.items() if rule is PUBLIC)


@pytest.mark.parametrize(
    "name,role,method", CASES, ids=[f"{n}-{r or 'anonymous'}-{m}" for n, r, m in CASES]
)
def test_access(world, client_for, name, role, method, monkeypatch):
    monkeypatch.setenv("CONSOLE_RASA_URL", "http://127.0.0.1:9")  # nothing answers there
    monkeypatch.setenv("RASA_AUTH_TOKEN", "access-test")
    url = url_of(name, world)
    response = getattr(client_for(role), method)(url)
    rule = RULES[name]
    index = 0 if method == "get" else 1
    if rule is PUBLIC and role is None:
        assert response.status_code == PUBLIC_ANONYMOUS[name][index]
    elif role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:login") + "?next=")
        page = client_for(None).get(response["Location"])
        assert page.status_code == 200 and b'name="password"' in page.content
    elif rule is PUBLIC or RANK[role] >= RANK[rule]:
        assert response.status_code == ALLOWED[name][index], response.content[:500]
        if response.status_code == 302 and name != "logout":
            assert not response["Location"].startswith(reverse("staff:login"))
    else:
        assert response.status_code == 403


WORKLIST_CASES = [
    (name, role, method)
    for name in WORKLIST_RULES
    for role in [None] + ROLES
    for method in ("get", "post")
]


@pytest.mark.parametrize(
    "name,role,method",
    WORKLIST_CASES,
    ids=[f"{n}-{r or 'anonymous'}-{m}" for n, r, m in WORKLIST_CASES],
)
def test_worklist_access(world, client_for, name, role, method):
    from console.worklist import urls

    pattern = next(p for p in urls.urlpatterns if p.name == name.split(":")[1])
    url = reverse(name, kwargs={k: world[k] for k in pattern.pattern.converters})
    response = getattr(client_for(role), method)(url)
    least, allowed = WORKLIST_RULES[name]
    if role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:login") + "?next=")
    elif RANK[role] >= RANK[least]:
        assert response.status_code == allowed[method], response.content[:300]
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("worklist:list"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "role,home",
    [
        ("reviewer", "staff:conversations"),
        ("clinician", "worklist:list"),
        ("admin", "worklist:list"),
    ],
)
def test_the_home_page_is_the_worklist_for_clinicians_and_admins(world, client_for, role, home):
    response = client_for(role).get(reverse("staff:home"))
    assert response.status_code == 302 and response["Location"] == reverse(home)


# The exact answer of the analytics URLs to each role (and the export with a table named).
EXACT = {
    ("analytics:analytics", "get", ""): 200,
    ("analytics:analytics", "post", ""): 405,
    ("analytics:analytics_export", "get", ""): 404,
    ("analytics:analytics_export", "get", "?table=funnel"): 200,
    ("analytics:analytics_export", "post", "?table=funnel"): 405,
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
