"""URLs of the console: all of them in console.staff.urls."""
from django.urls import include, path

urlpatterns = [path("", include("console.staff.urls"))]
