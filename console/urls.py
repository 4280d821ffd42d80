"""URLs of the console: the staff pages in console.staff.urls, the analytics page in
console.analytics.urls."""

from django.urls import include, path

urlpatterns = [
    path("analytics/", include("console.analytics.urls")),
    path("", include("console.staff.urls")),
]
