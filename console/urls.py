"""URLs of the console: console.staff.urls, and the escalation worklist under /worklist/."""
from django.urls import include, path

urlpatterns = [
    path("worklist/", include("console.worklist.urls")),
    path("", include("console.staff.urls")),
]
