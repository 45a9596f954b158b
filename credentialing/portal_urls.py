from django.urls import path

from credentialing import portal_views

app_name = "insurance"
urlpatterns = [
    path("", portal_views.overview, name="overview"),
    path("payers/<slug:payer_slug>/request/", portal_views.request_credentialing, name="request"),
    path("payers/<slug:payer_slug>/unenroll/", portal_views.unenroll, name="unenroll"),
    path("programs/<int:program_id>/enroll/", portal_views.enroll, name="enroll"),
    path("programs/<int:program_id>/leave/", portal_views.leave, name="leave"),
]
