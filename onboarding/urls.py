from django.urls import path

from onboarding import views

# Mounted at the site root (portal/urls.py): the form links live under onboarding/, the signed-in
# provider's pages under portal/.
app_name = "onboarding"
urlpatterns = [
    path(
        "onboarding/<uuid:provider_id>/general-onboarding/<str:token>/",
        views.general_onboarding,
        name="general_onboarding",
    ),
]
