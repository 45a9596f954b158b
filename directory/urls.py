from django.urls import path

from directory import views

# Mounted at the site root (portal/urls.py): the public directory under directory/ (no sign-in),
# the provider's own profile under portal/.
app_name = "directory"
urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/<slug:slug>/", views.profile, name="profile"),
    path("directory/<slug:slug>/photo/", views.photo, name="photo"),
    path("directory/<slug:slug>/contact/", views.contact_provider, name="contact"),
    path("directory/<slug:slug>/contact/sent/", views.contact_sent, name="contact_sent"),
    path("portal/directory/", views.my_profile, name="my_profile"),
    path("portal/directory/reviewed/", views.my_profile_reviewed, name="my_profile_reviewed"),
    path("portal/directory/accepting/", views.my_profile_accepting, name="my_profile_accepting"),
    path("portal/directory/preview/", views.my_profile_preview, name="my_profile_preview"),
]
