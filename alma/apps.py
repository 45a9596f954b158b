from django.contrib.admin.apps import AdminConfig
from django.core import checks

from alma.checks import field_encryption_keys_check, shared_cache_check


class AlmaAdminConfig(AdminConfig):
    default_site = "portal.admin_site.AlmaAdminSite"

    def ready(self):
        super().ready()
        # The kernel's own system checks: "alma" is installed through this config.
        checks.register(field_encryption_keys_check)
        checks.register(shared_cache_check, deploy=True)
