from django.contrib import admin
from django.urls import include, path

from alma import health
from portal import views as portal_views

# The site's URLs: the top layer mounts every app's own urls.py (ROOT_URLCONF).
handler500 = "portal.views.server_error"
urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("onboarding.urls")),
    # The signed-in provider's own pages that compose several apps (namespace "portal").
    path(
        "",
        include(
            (
                [
                    path("portal/onboarding/", portal_views.dashboard, name="dashboard"),
                    path("onboarding-link/", portal_views.link_request, name="link_request"),
                    path("onboarding-link/fresh/", portal_views.fresh_link, name="fresh_link"),
                ],
                "portal",
            )
        ),
    ),
    path("onboarding/", include("credentialing.urls")),
    path("onboarding/", include("verification.form_urls")),  # the form's NPI registry pre-fill
    path("insurance/", include("credentialing.portal_urls")),
    path("documents/", include("credentialing.document_urls")),
    path("portal/credentialing-file/", include("verification.urls")),
    path("support/", include("support.urls")),
    path("help/", include("helpdesk.urls")),
    path("practice/", include("practice.urls")),
    path("training/", include("training.urls")),
    path("", include("directory.urls")),
    path("fhir/", include("fhirapi.urls")),  # the public FHIR R4 directory API (Plan-Net)
]
