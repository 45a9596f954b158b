from django.urls import path

from helpdesk import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("attachments/<int:message_id>/", views.attachment, name="attachment"),
]
