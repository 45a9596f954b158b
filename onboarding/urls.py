from django.urls import path

from onboarding import views

app_name = "onboarding"
urlpatterns = [
    path(
        "<uuid:provider_id>/general-onboarding/<str:token>/",
        views.general_onboarding,
        name="general_onboarding",
    ),
]
