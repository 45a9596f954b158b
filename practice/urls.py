from django.urls import path

from practice import views

app_name = "practice"
urlpatterns = [
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/change/", views.payouts_change, name="payouts_change"),
    path("clients/", views.clients, name="clients"),
    path("clients/add/", views.client_add, name="client_add"),
]
