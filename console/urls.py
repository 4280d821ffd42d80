"""URLs of the console: the staff pages in console.staff.urls, the escalation worklist under
/worklist/, the analytics page under /analytics/ and live takeover's console.takeover.urls."""

from django.urls import include, path

urlpatterns = [
    path("worklist/", include("console.worklist.urls")),
    path("analytics/", include("console.analytics.urls")),
    path("", include("console.staff.urls")),
    path("", include("console.takeover.urls")),
]
