"""URLs of live takeover, by the console's conversation number (never a sender id).
tests/console/test_access.py holds each one's role rule and expected statuses."""

from django.urls import path

from console.takeover import views

app_name = "takeover"
urlpatterns = [
    path("conversations/<int:pk>/takeover/", views.start, name="start"),
    path("conversations/<int:pk>/takeover/live/", views.live, name="live"),
    path("conversations/<int:pk>/takeover/feed.json", views.feed, name="feed"),
    path("conversations/<int:pk>/takeover/messages/", views.send, name="send"),
    path("conversations/<int:pk>/takeover/hand-back/", views.hand_back, name="hand_back"),
]
