"""URLs of the worklist (namespace `worklist`). Conversations by the console's own number
only; tests/console/test_access.py holds the role rule of each name."""

from django.urls import path

from console.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.worklist, name="list"),
    path("items.json", views.worklist_json, name="json"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
]
