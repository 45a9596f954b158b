import io
from datetime import date, timedelta
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image

from credentialing.models import Payer
from credentialing.services.applications import application_approve, application_request, application_submit
from credentialing.services.insurance_form import insurance_form_submit
from onboarding import links, services
from onboarding.models import LicenseType, MembershipAgreement, OnboardingStep, Provider

STAFF_PASSWORD = "alma-demo-staff"  # noqa: S105 - demo data for a local machine only
DEMO_PROVIDERS = [
    # (legal name, email, license type, days until contracted start, how far along)
    ("Dana Whitfield", "dana.whitfield@example.com", LicenseType.LCSW, 14, "new"),
    ("Marcus Oyelaran", "marcus.oyelaran@example.com", LicenseType.PSYD, 21, "draft"),
    ("Priya Raman", "priya.raman@example.com", LicenseType.NP, 30, "submitted"),
    ("Samira Haddad", "samira.haddad@example.com", LicenseType.LMHC, 10, "in_review"),
    ("Luis Ortega", "luis.ortega@example.com", LicenseType.LPC, 5, "credentialing"),
]
DEMO_PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
BIO = (
    "I help adults who feel stuck in anxiety, burnout and big life transitions. My approach is warm, "
    "practical and collaborative: we will get clear on what matters to you, learn skills you can use "
    "between sessions, and make room for the harder feelings too."
)


def _demo_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (31, 92, 74)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Load demo staff accounts and providers at different onboarding steps. Safe to run again."

    def handle(self, *args, **options):
        User = get_user_model()
        with transaction.atomic():
            # The reference payers and programs, as the data migration loads them (again, if
            # someone emptied the tables): the same idempotent function.
            import_module("credentialing.migrations.0002_seed_payers_and_programs").seed(django_apps, None)
            if not User.objects.filter(email="admin@alma.test").exists():
                User.objects.create_superuser(email="admin@alma.test", password=STAFF_PASSWORD)
            support, _ = Group.objects.get_or_create(name="Support staff")
            support.permissions.set(
                Permission.objects.filter(
                    content_type__app_label__in=["onboarding", "credentialing"], codename__startswith="view_"
                )
                | Permission.objects.filter(
                    codename__in=[
                        "add_membershipagreement",
                        "review_onboarding_forms",
                        "change_payerapplication",
                        "reveal_caqh_password",
                    ]
                )
            )
            if not User.objects.filter(email="support@alma.test").exists():
                staff = User.objects.create_user(
                    email="support@alma.test", password=STAFF_PASSWORD, is_staff=True
                )
                staff.groups.add(support)
            for name, email, license_type, start_in, stage in DEMO_PROVIDERS:
                if Provider.objects.filter(user__email=email).exists():
                    continue
                now = timezone.now()
                provider = services.agreement_record(
                    legal_name=name,
                    email=email,
                    license_type=license_type,
                    contracted_start_date=(now + timedelta(days=start_in)).date(),
                    signed_at=now - timedelta(hours=2),
                    source=MembershipAgreement.Source.DEMO,
                )
                answers = {
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
                elif stage in {"submitted", "in_review", "credentialing"}:
                    answers |= {
                        "specialties": ["anxiety", "depression"],
                        "approaches": ["cbt", "medication"],
                        "populations": ["adults"],
                        "languages": ["en", "es"],
                        "offers_telehealth": True,
                        "offers_in_person": True,
                        "photo": _demo_photo(),
                        "bio": BIO,
                    }
                    services.general_onboarding_submit(provider=provider, values=answers, actor=provider.user)
                if stage in {"in_review", "credentialing"}:
                    self._submit_insurance_form(provider)
                if stage == "credentialing":
                    self._credential(provider, now=now)
        self._print_summary()

    def _submit_insurance_form(self, provider):
        today = timezone.localdate()
        insurance_form_submit(
            provider=provider,
            values={
                "caqh_id": "12345678",
                "caqh_username": provider.user.email.split("@")[0],
                "npi": "1234567893",
                "liability_carrier": "CM&F Group",
                "liability_policy_number": "PL-55821",
                "liability_per_claim": 1_000_000,
                "liability_aggregate": 3_000_000,
                "liability_effective": today - timedelta(days=90),
                "liability_expiry": today + timedelta(days=275),
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
        self.stdout.write(f"  Staff (admin):    admin@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Support staff:    support@alma.test / {STAFF_PASSWORD}")
        self.stdout.write("  Providers have no password yet; they open their forms from the emailed links:")
        for provider in Provider.objects.select_related("user", "general_onboarding").filter(
            user__email__in=[p[1] for p in DEMO_PROVIDERS]
        ):
            record = getattr(provider, "general_onboarding", None)
            state = record.get_status_display() if record else "not started"
            self.stdout.write(f"  {provider.legal_name} ({state}):")
            self.stdout.write(f"    {links.form_url(provider, links.GENERAL_ONBOARDING)}")
            if provider.onboarding_step != OnboardingStep.ACCOUNT_CREATED:
                self.stdout.write(f"    Insurance Form: {links.form_url(provider, links.INSURANCE_FORM)}")
