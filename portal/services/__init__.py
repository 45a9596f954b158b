"""The transitions that compose several apps: the review of both forms, portal access,
completion and fresh links. Views, admin, commands and tasks call these."""

from portal.services.completion import onboarding_complete_if_done
from portal.services.links import provider_links_renew
from portal.services.portal_access import portal_access_email_resend, portal_access_grant
from portal.services.provider_details import provider_details_correct
from portal.services.review import form_approve, form_request_changes

__all__ = [
    "form_approve",
    "form_request_changes",
    "onboarding_complete_if_done",
    "portal_access_email_resend",
    "portal_access_grant",
    "provider_details_correct",
    "provider_links_renew",
]
