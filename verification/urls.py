"""The signed-in provider's credentialing-file pages (namespace "verification")."""

from django.urls import path

from verification import views, views_recredentialing

app_name = "verification"
urlpatterns: list = [
    path("", views.my_file, name="my_file"),
    path("confirm/", views_recredentialing.confirm_details, name="confirm_details"),
]
