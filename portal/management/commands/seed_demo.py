"""Demo data: reference data, staff in each role, and providers at every step of onboarding,
including overdue cases for the SLA board, and credentialing files in every state (issue 13):
Noah Bennett's complete and approved, Grace Kim's with a stale licence verification, Luis Ortega
with a possible exclusion match in the staff queue, Olivia Chen due for recredentialing.
Safe to run again: existing demo people are kept, and the files are built once."""

import csv
import io
import tempfile
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
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
from exclusions import services as exclusion_services
from exclusions.models import ExclusionImport
from exclusions.sources import LEIE_COLUMNS, SAM_ALL_COLUMNS
from helpdesk.services import ticket_open
from onboarding import links, services
from onboarding.models import LicenseType, MembershipAgreement, OnboardingStep, Provider, ReviewedForm
from portal import services as portal_services
from training.services import quiz_mark_passed, webinar_mark_watched
from verification import file as credentialing_file
from verification.models import CredentialingDecision, VerificationMethod, VerificationResult
from verification.models import VerificationSource as Source
from verification.models import VerifiedItem as Item
from verification.recredentialing import RECREDENTIALING_MONTHS
from verification.services.decisions import decision_record
from verification.services.psv import verification_record
from verification.services.recredentialing import recredentialing_reminders_queue

STAFF_PASSWORD = "alma-demo-staff"  # noqa: S105 - demo data for a local machine only
PROVIDER_PASSWORD = "alma-demo-provider"  # noqa: S105
STAFF = [
    ("admin@alma.test", None),  # superuser
    ("support@alma.test", "Support"),
    ("credentialing@alma.test", "Credentialing"),
    ("committee@alma.test", "Credentialing Committee"),
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
    ("Olivia Chen", "olivia.chen@example.com", LicenseType.LCSW, -30, "complete"),
]
STAGES = ["new", "draft", "general_submitted", "review_overdue", "forms_approved", "portal", "complete"]
BIO = (
    "I help adults who feel stuck in anxiety, burnout and big life transitions. My approach is warm, "
    "practical and collaborative: we will get clear on what matters to you, learn skills you can use "
    "between sessions, and make room for the harder feelings too."
)
DEMO_PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# The credentialing files (issue 13). Each credential is checked at one of its primary sources.
PSV_SOURCES = {
    Item.STATE_LICENSE: (Source.STATE_BOARD, VerificationMethod.WEBSITE),
    Item.EDUCATION: (Source.CLEARINGHOUSE, VerificationMethod.ELECTRONIC),
    Item.LIABILITY_INSURANCE: (Source.CARRIER, VerificationMethod.WRITTEN),
    Item.MALPRACTICE_HISTORY: (Source.NPDB, VerificationMethod.ELECTRONIC),
}
COMPLETE_FILE = "noah.bennett@example.com"  # verified 12 days ago, approved today
STALE_LICENCE = "grace.kim@example.com"  # her licence verified 130 days ago (NCQA: at most 120)
EXCLUSION_MATCH = "luis.ortega@example.com"  # a namesake on the LEIE with his date of birth
RECREDENTIALING = "olivia.chen@example.com"  # approved 36 months before a date 25 days away
RECREDENTIALING_DUE_IN_DAYS = 25  # inside the 30-day reminder's window
# Tiny stand-ins for the OIG LEIE and SAM.gov files (the real ones: README, "Exclusion monitoring").
# Every demo provider was born on 14 March 1984; only Luis Ortega's name matches a row.
LEIE_ROWS = [
    {"LASTNAME": "RIVERA", "FIRSTNAME": "JORDAN", "GENERAL": "IND- LIC HC SERV PRO", "DOB": "19790520",
     "CITY": "NEW YORK", "STATE": "NY", "EXCLTYPE": "1128a1", "EXCLDATE": "20190520"},
    {"BUSNAME": "SUNRISE HOME HEALTH LLC", "GENERAL": "HOME HEALTH AGENCY", "CITY": "MIAMI", "STATE": "FL",
     "EXCLTYPE": "1128b7", "EXCLDATE": "20180301"},
]  # fmt: skip
LEIE_MATCH = {
    "LASTNAME": "ORTEGA", "FIRSTNAME": "LUIS", "MIDNAME": "A", "GENERAL": "IND- LIC HC SERV PRO",
    "SPECIALTY": "COUNSELOR", "DOB": "19840314", "ADDRESS": "88 CANAL ST", "CITY": "NEW YORK",
    "STATE": "NY", "ZIP": "10013", "EXCLTYPE": "1128b4", "EXCLDATE": "20240115",
}  # fmt: skip
SAM_ROWS = [
    {"Classification": "Individual", "Name": "Morgan, Casey", "First": "Casey", "Last": "Morgan",
     "City": "Seattle", "State / Province": "WA", "Exclusion Type": "Prohibition/Restriction",
     "Active Date": "03/15/2022", "Termination Date": "Indefinite", "SAM Number": "S4MR3Q9MD"},
]  # fmt: skip
SAM_LATER = {
    "Classification": "Firm", "Name": "Acme Billing Inc", "City": "New York", "State / Province": "NY",
    "Exclusion Type": "Ineligible (Proceedings Completed)", "Active Date": "01/02/2020",
    "Termination Date": "01/02/2030", "SAM Number": "S4MR3Q9ME",
}  # fmt: skip


def _demo_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (31, 92, 74)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _reached(stage: str, wanted: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(wanted)


def recredentialing_start(today: date) -> date:
    """The approval date whose recredentialing falls due RECREDENTIALING_DUE_IN_DAYS from today."""
    return today + timedelta(days=RECREDENTIALING_DUE_IN_DAYS) - relativedelta(months=RECREDENTIALING_MONTHS)


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
            if not ExclusionImport.objects.exists():  # the files are built once, with their history
                self._credentialing_files()
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

    def _credentialing_files(self):
        """The credentialing files, in the order they would have happened, all through the
        services: Olivia Chen's approval 36 months before a date 25 days away (verified and checked
        against that day's lists first), then this month's lists and run over every provider
        (Luis Ortega's possible match opens a case), Noah Bennett's and Grace Kim's verifications,
        Noah's approval today, and the recredentialing reminders now due (Olivia's 30-day one)."""
        User = get_user_model()
        verifier = User.objects.get(email="credentialing@alma.test")
        committee = User.objects.get(email="committee@alma.test")
        demo = {p.user.email: p for p in Provider.objects.select_related("user").filter(
            user__email__in=[COMPLETE_FILE, STALE_LICENCE, EXCLUSION_MATCH, RECREDENTIALING])}  # fmt: skip
        now = timezone.now()
        today = timezone.localdate(now)
        then = now - (today - recredentialing_start(today))  # Olivia's decision, long ago
        with tempfile.TemporaryDirectory() as folder:
            self._exclusion_lists(Path(folder), now=then - timedelta(days=8), latest=False)
            olivia = demo[RECREDENTIALING]
            self._verify(olivia, verifier, now=then - timedelta(days=14))
            exclusion_services.exclusions_run(
                provider=olivia, trigger="seed_demo", now=then - timedelta(days=7)
            )
            decision_record(
                provider=olivia,
                outcome=CredentialingDecision.Outcome.APPROVED,
                decided_on=timezone.localdate(then),
                reason="Every credential verified at its primary source; no exclusions.",
                actor=committee,
                now=then,
            )
            self._exclusion_lists(Path(folder), now=now - timedelta(hours=2), latest=True)
        exclusion_services.exclusions_run(trigger="seed_demo", now=now - timedelta(hours=1))
        self._verify(demo[COMPLETE_FILE], verifier, now=now - timedelta(days=12))
        self._verify(demo[STALE_LICENCE], verifier, now=now - timedelta(days=20), licence_age_days=130)
        decision_record(
            provider=demo[COMPLETE_FILE],
            outcome=CredentialingDecision.Outcome.APPROVED,
            decided_on=today,
            reason="Every credential verified at its primary source within 120 days; no exclusions.",
            actor=committee,
            now=now,
        )
        recredentialing_reminders_queue(now=now)

    def _exclusion_lists(self, folder: Path, *, now, latest: bool):
        """Import a LEIE and a SAM file (this month's adds Luis Ortega's namesake, and a firm)."""
        leie = [*LEIE_ROWS, LEIE_MATCH] if latest else LEIE_ROWS
        sam = [*SAM_ROWS, SAM_LATER] if latest else SAM_ROWS
        none = {"NPI": "0000000000", "DOB": "00000000", "REINDATE": "00000000", "WAIVERDATE": "00000000"}
        blank_leie, blank_sam = dict.fromkeys(LEIE_COLUMNS, "") | none, dict.fromkeys(SAM_ALL_COLUMNS, "")
        stamp = f"{timezone.localdate(now):%Y%m%d}"
        files = {
            "leie": (folder / f"demo-LEIE-{stamp}.csv", LEIE_COLUMNS, [blank_leie | row for row in leie]),
            "sam": (folder / f"demo-SAM-{stamp}.csv", SAM_ALL_COLUMNS, [blank_sam | row for row in sam]),
        }  # fmt: skip
        for source, (path, columns, rows) in files.items():
            with path.open("w", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows([row[name] for name in columns] for row in rows)
            exclusion_services.list_import(
                source=source,
                path=path,
                file_date=timezone.localdate(now) - timedelta(days=2),
                imported_by="seed_demo",
                now=now,
            )

    def _verify(self, provider, verifier, *, now, licence_age_days: int | None = None):
        """Every credential of the provider's file verified at its primary source on `now`'s day
        (the licence `licence_age_days` before today instead, when given)."""
        for item, item_key, label in credentialing_file.credentials(provider):
            source, method = PSV_SOURCES[item]
            recorded = now
            if item == Item.STATE_LICENSE and licence_age_days is not None:
                recorded = timezone.now() - timedelta(days=licence_age_days)
            verification_record(
                provider=provider,
                item=item,
                item_key=item_key,
                item_label=label,
                source=source,
                method=method,
                verified_on=timezone.localdate(recorded),
                result=VerificationResult.VERIFIED,
                evidence=SimpleUploadedFile(f"{item}-evidence.pdf", DEMO_PDF, content_type="application/pdf"),
                notes="Demo: checked at the source; the printout is attached.",
                verifier=verifier,
                now=recorded,
            )

    def _print_summary(self):
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        self.stdout.write(f"  Admin (everything):  admin@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Support staff:       support@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Credentialing staff: credentialing@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(f"  Credentialing Committee: committee@alma.test / {STAFF_PASSWORD}")
        self.stdout.write(
            "  Providers with portal access: grace.kim@example.com, noah.bennett@example.com, "
            "olivia.chen@example.com"
        )
        self.stdout.write(f"    (password {PROVIDER_PASSWORD})")
        self.stdout.write("  Credentialing files (Admin > Providers > a provider > Credentialing file):")
        self.stdout.write("    Noah Bennett: complete, approved today (the notice is in the outbox)")
        self.stdout.write("    Grace Kim: her licence verification is 130 days old, stale (NCQA: 120)")
        self.stdout.write("    Luis Ortega: a possible OIG LEIE match waits in Exclusion cases")
        self.stdout.write(
            f"    Olivia Chen: recredentialing due in {RECREDENTIALING_DUE_IN_DAYS} days (reminder queued)"
        )
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
