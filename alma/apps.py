from django.contrib.admin.apps import AdminConfig


class AlmaAdminConfig(AdminConfig):
    default_site = "alma.admin_site.AlmaAdminSite"
