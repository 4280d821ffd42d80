"""URLs of the console: console.staff.urls, the escalation worklist under /worklist/ and
live takeover's console.takeover.urls."""

from django.urls import include, path

urlpatterns = [
    path("worklist/", include("console.worklist.urls")),
    path("", include("console.staff.urls")),
    path("", include("console.takeover.urls")),
]
