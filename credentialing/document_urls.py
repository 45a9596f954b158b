from django.urls import path

from credentialing import views

app_name = "documents"
urlpatterns = [
    path("insurance/<uuid:provider_id>/<str:field>/", views.insurance_document, name="insurance_document"),
]
