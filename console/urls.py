"""URLs of the console: console.staff.urls, and live takeover's console.takeover.urls."""

from django.urls import include, path

urlpatterns = [
    path("", include("console.staff.urls")),
    path("", include("console.takeover.urls")),
]
