from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from alma import health
from onboarding import views as onboarding_views

# Staff sign in through allauth like everyone else, so its rate limits and its authenticator-code
# stage cover the admin too: admin's own login form would skip both, so it is never shown.
admin.site.login = accounts_views.admin_sign_in

urlpatterns = [
    path("", onboarding_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("onboarding.urls")),
    path("onboarding/", include("credentialing.urls")),
    path("insurance/", include("credentialing.portal_urls")),
    path("documents/", include("credentialing.document_urls")),
    path("support/", include("support.urls")),
    path("help/", include("helpdesk.urls")),
    path("practice/", include("practice.urls")),
    path("training/", include("training.urls")),
    path("", include("directory.urls")),
]
