"""Staff roles: the groups operators put staff in, with exactly the permissions each job needs.

Kept in code and applied after every `migrate` (a post_migrate receiver), so a permission that
a later migration adds (a new model's view permission, say) reaches its role at once.
Patterns are "app_label.codename", with "*" as a wildcard in the codename.

- Support: providers, agreements, emails, help tickets and articles; credentialing read-only.
  Not the credentialing file: primary-source evidence includes NPDB reports, which federal law
  keeps confidential (45 CFR 60.20), and the exclusion cases name people on federal lists.
- Credentialing: form review, payer applications, payers and programs, the CAQH reveal.
- Credentialing Committee: reads everything and records credentialing decisions (not overrides).
- Admin: everything.
"""

from fnmatch import fnmatchcase

READ_ALL = ["onboarding.view_*", "credentialing.view_*", "training.view_*", "directory.view_*",
            "support.view_*", "helpdesk.view_*", "practice.view_*"]  # fmt: skip
# The credentialing file (verifications and their evidence, NPI-registry answers, decisions,
# exclusion lists and cases): only the roles that credential.
READ_FILE = ["verification.view_*", "exclusions.view_*"]

ROLES: dict[str, list[str]] = {
    "Support": [
        *READ_ALL,
        "onboarding.add_membershipagreement",  # record a signed agreement
        "onboarding.change_provider",  # resend emails, staff actions on a provider
        "helpdesk.change_ticket",  # assign, answer, close help requests
        "support.add_article",
        "support.change_article",
    ],
    "Credentialing": [
        *READ_ALL,
        *READ_FILE,
        "onboarding.review_onboarding_forms",
        "credentialing.change_payerapplication",  # submit / approve / deny through admin actions
        "credentialing.reveal_caqh_password",
        "credentialing.add_payer",
        "credentialing.change_payer",
        "credentialing.add_program",
        "credentialing.change_program",
        "verification.add_primarysourceverification",  # record a primary-source verification
        "exclusions.decide_exclusioncase",  # clear or confirm a possible exclusion match
        "verification.download_credentialing_file",  # the file export for a file review (audited)
    ],
    # Decides on credentialing files (NCQA's committee); an Admin alone may override readiness.
    "Credentialing Committee": [
        *READ_ALL,
        *READ_FILE,
        "verification.record_credentialing_decision",
    ],
    "Admin": ["*.*"],
}


def _matches(permission, patterns: list[str]) -> bool:
    label = f"{permission.content_type.app_label}.{permission.codename}"
    return any(fnmatchcase(label, pattern) for pattern in patterns)


def roles_sync(app_config=None, **_kwargs) -> None:
    """Create the role groups and set their permissions to exactly the patterns above.

    As a post_migrate receiver it acts once, after the last app that has models (Django sends
    post_migrate only to those; the portal app on top has none): by then every app's
    permissions have been created.
    """
    from django.apps import apps  # noqa: PLC0415 - runs after app loading
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return

    permissions = list(Permission.objects.select_related("content_type"))
    for name, patterns in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([p for p in permissions if _matches(p, patterns)])
