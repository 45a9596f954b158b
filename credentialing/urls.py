from django.urls import path

from credentialing import views

app_name = "credentialing"
urlpatterns = [
    path("<uuid:provider_id>/insurance-form/<str:token>/", views.insurance_form, name="insurance_form"),
    path(
        "<uuid:provider_id>/insurance-form/<str:token>/documents/<str:field>/",
        views.insurance_document_by_link,
        name="insurance_document_by_link",
    ),
]
