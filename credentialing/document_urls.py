from django.urls import path

from credentialing import views

app_name = "documents"
urlpatterns = [
    path("insurance/<uuid:provider_id>/<str:field>/", views.insurance_document, name="insurance_document"),
    path(
        "general-onboarding/<uuid:provider_id>/photo/",
        views.general_onboarding_photo,
        name="general_onboarding_photo",
    ),
]
