"""Demo data: reference data, staff in each role, and providers at every step of onboarding,
including overdue cases for the SLA board. Safe to run again: existing demo people are kept."""

import io
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.roles import roles_sync
from credentialing import links as credentialing_links
from credentialing.models import Payer
from credentialing.services.applications import application_approve, application_request, application_submit
from credentialing.services.insurance_form import insurance_form_submit
from helpdesk.services import ticket_open
from onboarding import links, services
from onboarding.models import LicenseType, MembershipAgreement, OnboardingStep, Provider, ReviewedForm
from portal import services as portal_services
from training.services import quiz_mark_passed, webinar_mark_watched

STAFF_PASSWORD = "alma-demo-staff"  # noqa: S105 - demo data for a local machine only
PROVIDER_PASSWORD = "alma-demo-provider"  # noqa: S105
STAFF = [
    ("admin@alma.test", None),  # superuser
    ("support@alma.test", "Support"),
    ("credentialing@alma.test", "Credentialing"),
]
# (legal name, email, license type, days from today to the contracted start, how far along)
DEMO_PROVIDERS = [
    ("Dana Whitfield", "dana.whitfield@example.com", LicenseType.LCSW, 14, "new"),
    ("Marcus Oyelaran", "marcus.oyelaran@example.com", LicenseType.PSYD, 21, "draft"),
    ("Priya Raman", "priya.raman@example.com", LicenseType.NP, 30, "general_submitted"),
    ("Samira Haddad", "samira.haddad@example.com", LicenseType.LMHC, 10, "review_overdue"),
    ("Luis Ortega", "luis.ortega@example.com", LicenseType.LPC, 5, "forms_approved"),
    ("Grace Kim", "grace.kim@example.com", LicenseType.LMFT, -3, "portal"),
    ("Noah Bennett", "noah.bennett@example.com", LicenseType.LCSW, -20, "complete"),
]
STAGES = ["new", "draft", "general_submitted", "review_overdue", "forms_approved", "portal", "complete"]
BIO = (
    "I help adults who feel stuck in anxiety, burnout and big life transitions. My approach is warm, "
    "practical and collaborative: we will get clear on what matters to you, learn skills you can use "
    "between sessions, and make room for the harder feelings too."
)
DEMO_PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _demo_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (31, 92, 74)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _reached(stage: str, wanted: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(wanted)


class Command(BaseCommand):
    help = (
        "Load demo data: payers, programs, Support Center articles, the webinar and quiz, staff in "
        "each role, and providers at every onboarding step including overdue cases (a review, a "
        "payer decision and a help request past their promise). Safe to run again."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            # Reference data, through the same idempotent functions the data migrations use (again,
            # if someone emptied the tables).
            for migration in (
                "credentialing.migrations.0002_seed_payers_and_programs",
                "support.migrations.0002_seed_articles",
                "training.migrations.0003_seed_webinar_and_quiz",
            ):
                import_module(migration).seed(django_apps, None)
            roles_sync()
            admin = self._staff()
            for name, email, license_type, start_in, stage in DEMO_PROVIDERS:
                if not Provider.objects.filter(user__email=email).exists():
                    self._provider((name, email, license_type, start_in, stage), admin)
        self._print_summary()

    def _staff(self):
        User = get_user_model()
        for email, role in STAFF:
            if User.objects.filter(email=email).exists():
                continue
            if role is None:
                User.objects.create_superuser(email=email, password=STAFF_PASSWORD)
            else:
                user = User.objects.create_user(email=email, password=STAFF_PASSWORD, is_staff=True)
                user.groups.add(Group.objects.get(name=role))
        return User.objects.get(email="admin@alma.test")

    def _provider(self, demo: tuple, admin):
        name, email, license_type, start_in, stage = demo
        now = timezone.now()
        # The overdue review was submitted days ago: its whole history is dated back.
        began = now - timedelta(days=6) if stage == "review_overdue" else now - timedelta(days=2)
        provider = services.agreement_record(
            legal_name=name,
            email=email,
            license_type=license_type,
            contracted_start_date=timezone.localdate() + timedelta(days=start_in),
            signed_at=began - timedelta(hours=2),
            source=MembershipAgreement.Source.DEMO,
            now=began,
        )
        answers: dict[str, Any] = {
            "practice_name": f"{name.split()[1]} Counseling",
            "contact_phone": "+12125550143",
            "address_line1": "210 W 29th St",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "states_licensed": ["NY", "NJ"],
        }
        if stage == "draft":
            services.general_onboarding_save_draft(provider=provider, values=answers)
            return
        if not _reached(stage, "general_submitted"):
            return
        answers |= {
            "specialties": ["anxiety", "depression"],
            "approaches": ["cbt"],
            "populations": ["adults"],
            "languages": ["en", "es"],
            "offers_telehealth": True,
            "offers_in_person": True,
            "photo": _demo_photo(),
            "bio": BIO,
        }
        services.general_onboarding_submit(provider=provider, values=answers, actor=provider.user, now=began)
        if not _reached(stage, "review_overdue"):
            return
        self._submit_insurance_form(provider, now=began + timedelta(hours=1))
        if not _reached(stage, "forms_approved"):
            return  # waiting for staff review, past the one-business-day promise
        for form in (ReviewedForm.GENERAL_ONBOARDING, ReviewedForm.INSURANCE_FORM):
            portal_services.form_approve(provider=provider, form=form, reviewer=admin)
        self._credential(provider, now=now)
        if not _reached(stage, "portal"):
            return
        provider.user.set_password(PROVIDER_PASSWORD)
        provider.user.save(update_fields=["password"])
        portal_services.portal_access_grant(provider=provider)
        webinar_mark_watched(provider=provider)
        ticket_open(
            provider=provider,
            category="other",
            subject="When can I add my Aetna clients?",
            message="My Aetna approval shows on the dashboard. Can I book insurance sessions now?",
            now=now - timedelta(days=4),  # unanswered past the one-business-day promise
        )
        if stage == "complete":
            quiz_mark_passed(provider=provider)

    def _submit_insurance_form(self, provider, *, now):
        today = timezone.localdate()
        insurance_form_submit(
            provider=provider,
            values={
                "caqh_id": "12345678",
                "caqh_username": provider.user.email.split("@")[0],
                "caqh_attested_on": today - timedelta(days=100),
                "npi": "1234567893",
                "date_of_birth": date(1984, 3, 14),
                "liability_carrier": "CM&F Group",
                "liability_policy_number": "PL-55821",
                "liability_per_claim": 1_000_000,
                "liability_aggregate": 3_000_000,
                "liability_effective": today - timedelta(days=320),
                "liability_expiry": today + timedelta(days=45),  # a renewal reminder is due
                "liability_certificate": SimpleUploadedFile("coi.pdf", DEMO_PDF),
            },
            caqh_password="demo-caqh-password",  # noqa: S106 - demo data
            licenses=[{"state": "NY", "license_type": provider.license_type, "number": "R-081234",
                       "expiry": today + timedelta(days=500)}],
            education=[{"institution": "Columbia University", "degree": "MA",
                        "graduation_date": date(2014, 5, 20)}],
            work_history=[{"employer": "Harbor Counseling", "role": "Therapist",
                           "start_date": date(2015, 1, 5), "end_date": None, "gap_explanation": ""}],
            actor=provider.user,
            now=now,
        )  # fmt: skip

    def _credential(self, provider, *, now):
        """Payer applications at every stage, one of them past the 45-day promise."""
        payers = {payer.slug: payer for payer in Payer.objects.filter(slug__in=["aetna", "cigna", "oxford"])}
        aetna = application_request(
            provider=provider, payer=payers["aetna"], actor=provider.user, now=now - timedelta(days=40)
        )
        application_submit(application=aetna, actor=None, now=now - timedelta(days=38))
        application_approve(
            application=aetna, effective_date=timezone.localdate() - timedelta(days=3), actor=None
        )
        cigna = application_request(
            provider=provider, payer=payers["cigna"], actor=provider.user, now=now - timedelta(days=52)
        )
        application_submit(application=cigna, actor=None, now=now - timedelta(days=50))
        application_request(provider=provider, payer=payers["oxford"], actor=provider.user)

    def _print_summary(self):
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        self.stdout.write(f"  Admin (everything):  admin@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Support staff:       support@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Credentialing staff: credentialing@alma.test / {STAFF_PASSWORD}")
        self.stdout.write("  Providers with portal access: grace.kim@example.com, noah.bennett@example.com")
        self.stdout.write(f"    (password {PROVIDER_PASSWORD})")
        self.stdout.write("  Providers still onboarding work from the links in their emails:")
        emails = [p[1] for p in DEMO_PROVIDERS]
        for provider in Provider.objects.select_related("user", "general_onboarding").filter(
            user__email__in=emails
        ):
            self.stdout.write(f"  {provider.legal_name} ({provider.get_onboarding_step_display()}):")
            if provider.onboarding_step in {
                OnboardingStep.ACCOUNT_CREATED,
                OnboardingStep.GENERAL_ONBOARDING_SUBMITTED,
            }:
                self.stdout.write(
                    f"    General Onboarding: {links.form_url(provider, links.GENERAL_ONBOARDING)}"
                )
            if provider.onboarding_step == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED:
                self.stdout.write(
                    f"    Insurance Form:     {links.form_url(provider, credentialing_links.INSURANCE_FORM)}"
                )
