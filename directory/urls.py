from django.urls import path

from directory import views

# Mounted at the site root (portal/urls.py): the public directory under directory/ (no sign-in),
# the provider's own profile under portal/.
app_name = "directory"
urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/<slug:slug>/", views.profile, name="profile"),
    path("directory/<slug:slug>/photo/", views.photo, name="photo"),
    path("portal/directory/", views.my_profile, name="my_profile"),
]
