"""Mounted at training/ (portal/urls.py). Each page twice: for the signed-in provider (the names the
Onboarding Dashboard links to) and under the emailed training link (`<name>_link`)."""

from django.urls import path

from training import views

app_name = "training"

PAGES = [
    ("webinar/", "webinar"),
    ("webinar/progress/", "webinar_progress"),
    ("quiz/", "quiz"),
    ("quiz/start/", "quiz_start"),
    ("quiz/attempts/<int:attempt_id>/", "quiz_attempt"),
]

urlpatterns = [path(route, getattr(views, name), name=name) for route, name in PAGES] + [
    path(f"<uuid:provider_id>/<str:token>/{route}", getattr(views, f"{name}_link"), name=f"{name}_link")
    for route, name in PAGES
]
