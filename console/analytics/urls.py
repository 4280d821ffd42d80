"""URLs of the analytics page (tests/console/test_access.py holds each one's role rule)."""

from django.urls import path

from console.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.analytics, name="analytics"),
    path("export.csv", views.export_csv, name="analytics_export"),
]
