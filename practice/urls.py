from django.urls import path

from practice import views

app_name = "practice"
urlpatterns = [
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/change/", views.payouts_change, name="payouts_change"),
    path("clients/", views.clients, name="clients"),
    path("clients/add/", views.client_add, name="client_add"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/archive/", views.client_archive, name="client_archive"),
    path("clients/<int:client_id>/restore/", views.client_restore, name="client_restore"),
]
