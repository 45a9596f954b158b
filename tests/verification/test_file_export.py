"""The credentialing file export: one ZIP per provider for an NCQA file review, each download
audited, and refused to everyone without the download permission."""

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from onboarding.models import OutboxEmail
from onboarding.services.outbox import outbox_deliver
from tests.credentialing_file_factories import screen
from tests.helpers import NEW_YORK, PDF, elements, signed_in_client, staff_user, text_of
from tests.verification_factories import file_provider, verify_all
from verification.export import credentialing_file_zip
from verification.models import (
    CredentialingDecision,
    CredentialingFileDownload,
    NpiRegistryCheck,
    RecredentialingAttestation,
)
from verification.services.decisions import decision_record
from verification.services.export import credentialing_file_download
from verification.services.npi import npi_check_run

pytestmark = pytest.mark.django_db

# A fixed clock: the export's dates, the 120-day readiness and the 36-month due date are all
# compared against rows built under it.
EXPORT_AT = dt.datetime(2026, 3, 10, 14, 30, tzinfo=NEW_YORK)
VERIFIED_ON = dt.date(2026, 2, 20)
DECIDED_ON = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(EXPORT_AT, tick=False) as traveller:
        yield traveller


def downloader(email="reviewer@alma.test"):
    return staff_user(email, "verification.download_credentialing_file", "onboarding.view_provider")


def committee():
    return staff_user("committee@alma.test", "verification.record_credentialing_decision")


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def full_file(frozen, tmp_path):
    """A provider whose file has everything: verifications with evidence, two registry look-ups,
    an approved decision whose notice was sent, and the provider's confirmation of their details."""
    with time_machine.travel(dt.datetime(2026, 2, 20, 10, 0, tzinfo=NEW_YORK), tick=False):
        provider = file_provider(licences=2, legal_name="Dana Whitfield")
        verifications = verify_all(provider, verified_on=VERIFIED_ON)
        # The Insurance Form's submission asked for a look-up; the worker answers it.
        checks = [
            npi_check_run(check_id=check.pk) for check in NpiRegistryCheck.objects.filter(provider=provider)
        ]
        runs, case = screen(provider, tmp_path)
    with time_machine.travel(dt.datetime(2026, 3, 2, 16, 0, tzinfo=NEW_YORK), tick=False):
        decision = decision_record(
            provider=provider,
            outcome=CredentialingDecision.Outcome.APPROVED,
            decided_on=DECIDED_ON,
            reason="Every credential verified at its source.",
            actor=committee(),
        )
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 15, tzinfo=NEW_YORK), tick=False):
        notice = OutboxEmail.objects.get(provider=provider, key=f"decision-{decision.pk}")
        outbox_deliver(email_id=notice.pk)
    notice.refresh_from_db()
    RecredentialingAttestation.objects.create(
        provider=provider, due_on=decision.recredentialing_due_on, attested_by=provider.user
    )
    return provider, verifications, checks, decision, notice, runs, case


def test_the_zip_holds_the_index_pages_every_evidence_file_and_every_registry_answer(full_file):
    provider, verifications, checks, _decision, _notice, *_ = full_file
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))

    evidence = {f"evidence/psv-{v.pk}-{v.item}.pdf" for v in verifications}
    assert set(members) == {
        "index.html",
        "index.json",
        *evidence,
        *(f"npi-registry/{c.pk}.json" for c in checks),
    }
    assert all(members[name] == PDF for name in evidence)
    assert json.loads(members[f"npi-registry/{checks[0].pk}.json"]) == checks[0].raw_answer


def test_the_index_lists_identity_verifications_readiness_and_registry_evidence(full_file):
    provider, verifications, checks, _decision, _notice, *_ = full_file
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    data = json.loads(members["index.json"])
    page = members["index.html"].decode()
    text = text_of(page)

    assert data["provider"] == {
        "public_id": str(provider.public_id),
        "name": "Dana Whitfield",
        "npi": "1234567893",
        "license_type": "LCSW",
        "license_type_label": provider.get_license_type_display(),
    }
    assert "Credentialing file: Dana Whitfield" in text
    assert "NPI 1234567893" in text

    # Every verification, with its item, source, method, verifier, date, result and evidence.
    assert len(verifications) == 5  # two licences, education, liability insurance, malpractice history
    assert [row["id"] for row in data["verifications"]] == sorted(
        (v.pk for v in verifications),
        key=lambda pk: next((v.item, v.item_key) for v in verifications if v.pk == pk),
    )
    for verification in verifications:
        row = next(row for row in data["verifications"] if row["id"] == verification.pk)
        assert row["source_label"] == verification.get_source_display()
        assert row["method_label"] == verification.get_method_display()
        assert row["verifier"] == "verifier@alma.test"
        assert row["verified_on"] == "2026-02-20"
        assert row["result"] == "verified"
        assert row["evidence"] == {
            "file": f"evidence/psv-{verification.pk}-{verification.item}.pdf",
            "included": True,
            "note": "",
        }
        shown = text_of(elements(page, f"dl[data-psv={verification.pk}]")[0])
        assert verification.get_source_display() in shown
        assert "20 February 2026" in shown
        assert "verifier@alma.test" in shown

    # The readiness on the export date: 18 days after the verifications, so every PSV is fresh.
    psv_items = [item for item in data["readiness"]["items"] if not item["key"].startswith("exclusion:")]
    assert len(psv_items) == 5
    assert all(item["ready"] and item["age_days"] == 18 for item in psv_items)
    assert "File readiness on 10 March 2026" in text

    # The registry's look-up: status, retrieval time, flags, and its answer beside the index.
    (check,) = checks
    assert data["npi_registry"] == [
        {
            "id": check.pk,
            "npi": "1234567893",
            "status": check.status,
            "status_label": check.get_status_display(),
            "requested_at": "2026-02-20T15:00:00Z",
            "retrieved_at": check.retrieved_at.isoformat().replace("+00:00", "Z"),
            "attempts": 1,
            "last_error": "",
            "flags": check.flags,
            "raw_answer_file": f"npi-registry/{check.pk}.json",
        }
    ]
    assert check.retrieved_at is not None
    assert f"npi-registry/{check.pk}.json" in text_of(elements(page, f"dl[data-npi-check={check.pk}]")[0])


def test_the_index_lists_each_decision_with_its_notice_dates_and_the_recredentialing_dates(full_file):
    provider, _verifications, _checks, decision, notice, *_ = full_file
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    data = json.loads(members["index.json"])
    page = members["index.html"].decode()

    assert notice.sent_at == dt.datetime(2026, 3, 3, 9, 15, tzinfo=NEW_YORK)
    (row,) = data["decisions"]
    assert row["cycle"] == "initial"
    assert row["outcome"] == "approved"
    assert row["decided_on"] == "2026-03-02"
    assert row["decided_by"] == "committee@alma.test"
    assert row["reason"] == "Every credential verified at its source."
    assert row["override_reason"] == ""
    assert row["notice_queued_at"] == "2026-03-02T21:00:00Z"
    assert row["notice_sent_at"] == "2026-03-03T14:15:00Z"
    assert row["recredentialing_due_on"] == "2029-03-02"
    assert row["file_at_decision"]["ready"] is True
    assert row["file_at_decision"]["decision_on"] == "2026-03-02"
    assert data["recredentialing"]["due_on"] == "2029-03-02"
    assert data["recredentialing"]["last_approved_on"] == "2026-03-02"
    assert [a["attested_by"] for a in data["recredentialing"]["attestations"]] == [provider.user.email]

    shown = text_of(elements(page, f"dl[data-decision={decision.pk}]")[0])
    assert "Notice queued 2 March 2026, 16:00" in shown
    assert "Notice sent 3 March 2026, 09:15" in shown
    assert "File at the decision Ready: every required item verified within 120 days of 2026-03-02" in shown
    assert "Recredentialing due 2 March 2029" in shown
    assert "Recredentialing due 2 March 2029 (1088 days after the export date)" in text_of(page)


def test_an_override_and_an_unsent_notice_are_shown_as_they_are(frozen):
    provider = file_provider(legal_name="Rowan Ellis")  # nothing verified: the file is not ready
    admin = staff_user(
        "admin@alma.test",
        "verification.record_credentialing_decision",
        "verification.override_file_readiness",
    )
    decision_record(
        provider=provider,
        outcome=CredentialingDecision.Outcome.APPROVED,
        decided_on=dt.date(2026, 3, 9),
        reason="Approved pending verification.",
        actor=admin,
        override_reason="Network adequacy in rural Maine.",
    )
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    (row,) = json.loads(members["index.json"])["decisions"]
    assert row["override_reason"] == "Network adequacy in rural Maine."
    assert row["overridden_by"] == "admin@alma.test"
    assert row["notice_sent_at"] is None
    text = text_of(members["index.html"].decode())
    assert (
        "Recorded on a file that was not ready, by admin@alma.test: Network adequacy in rural Maine." in text
    )
    assert "Notice sent Not sent yet" in text
    assert "File at the decision Not ready: CA LCSW licence LIC-0000: not verified yet;" in text
    assert "Not ready." in text


def test_a_missing_evidence_file_is_listed_as_missing_not_a_crash(full_file):
    provider, verifications, _checks, _decision, _notice, *_ = full_file
    lost = verifications[0]
    default_storage.delete(lost.evidence.name)

    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    data = json.loads(members["index.json"])
    name = f"evidence/psv-{lost.pk}-{lost.item}.pdf"
    assert name not in members
    assert next(row for row in data["verifications"] if row["id"] == lost.pk)["evidence"]["included"] is False
    assert data["evidence_missing"] == [name]
    assert f"{name}: missing from storage" in text_of(members["index.html"].decode())
    assert len([m for m in members if m.startswith("evidence/")]) == len(verifications) - 1


def test_the_index_lists_every_exclusion_run_with_its_list_file_and_every_case_with_its_decision(full_file):
    provider, *_, runs, case = full_file
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    data = json.loads(members["index.json"])
    page = members["index.html"].decode()

    by_source = {run["source"]: run for run in data["exclusions"]["runs"]}
    assert set(by_source) == {"leie", "sam"}
    for run in runs:
        row = by_source[run.source]
        assert row["ran_at"] == "2026-02-20T15:00:00Z"
        assert row["file_date"] == run.list_import.file_date.isoformat()
        assert row["file_sha256"] == run.list_import.sha256
        assert len(row["file_sha256"]) == 64
        assert row["file_sha256"] in page
    assert by_source["leie"]["source_label"] == "OIG LEIE"
    assert by_source["leie"]["file_date"] == "2026-02-01"

    (row,) = data["exclusions"]["cases"]
    assert row["id"] == case.pk
    assert row["source_label"] == "OIG LEIE"
    assert row["status"] == "cleared"
    assert row["decided_by"] == "cases@alma.test"
    assert row["reason"] == "Born 1961 in Ohio; our provider is not."
    assert "NPI: 1234567893" in row["entry"]
    text = text_of(page)
    assert "Born 1961 in Ohio; our provider is not." in text
    assert "cases@alma.test, 20 February 2026" in text
    # The checks count in the readiness on the export date.
    exclusion_items = [item for item in data["readiness"]["items"] if item["key"].startswith("exclusion:")]
    assert [item["ready"] for item in exclusion_items] == [True, True]


def test_the_export_costs_the_same_queries_for_1_and_10_verifications(frozen, django_assert_num_queries):
    small = file_provider(licences=1)
    large = file_provider(licences=7)  # 7 licences, education, insurance, malpractice: 10 PSVs
    verify_all(small, verified_on=VERIFIED_ON)
    verify_all(large, verified_on=VERIFIED_ON)
    small.verifications.exclude(pk=small.verifications.order_by("pk").first().pk).delete()
    assert (small.verifications.count(), large.verifications.count()) == (1, 10)
    the_committee = committee()
    for provider, decisions in ((small, 1), (large, 3)):  # deferrals: no ready file needed
        for n in range(decisions):
            decision_record(
                provider=provider,
                outcome=CredentialingDecision.Outcome.DEFERRED,
                decided_on=dt.date(2026, 3, 1 + n),
                reason="Waiting for the licence board.",
                actor=the_committee,
            )
    now = timezone.now()

    with django_assert_num_queries(QUERIES):
        small_zip = unzip(credentialing_file_zip(small, now=now))
    with django_assert_num_queries(QUERIES):
        large_zip = unzip(credentialing_file_zip(large, now=now))
    assert len([name for name in small_zip if name.startswith("evidence/")]) == 1
    assert len([name for name in large_zip if name.startswith("evidence/")]) == 10
    assert len(json.loads(large_zip["index.json"])["decisions"]) == 3


# The Insurance Form's NPI; the file's readiness (the form, its licences and education, the
# verifications, the exclusion screenings: 6); the verifications; the registry look-ups; the
# exclusion runs and cases (2); the decisions and their notices' outbox rows (2); the
# provider's confirmations of their details.
QUERIES = 14


def test_the_same_file_exported_at_the_same_moment_is_the_same_bytes(full_file):
    provider, *_ = full_file
    now = timezone.now()
    assert credentialing_file_zip(provider, now=now) == credentialing_file_zip(provider, now=now)


# --- the download: service and admin -----------------------------------------------------------


def test_each_download_is_audited_with_the_zip_sha256(full_file):
    provider, *_ = full_file
    reviewer = downloader()
    first = credentialing_file_download(provider=provider, actor=reviewer, now=timezone.now())
    second = credentialing_file_download(provider=provider, actor=reviewer, now=timezone.now())

    rows = list(CredentialingFileDownload.objects.filter(provider=provider).order_by("pk"))
    assert [(row.downloaded_by, row.downloaded_at) for row in rows] == [(reviewer, EXPORT_AT)] * 2
    assert [row.sha256 for row in rows] == [
        hashlib.sha256(first).hexdigest(),
        hashlib.sha256(second).hexdigest(),
    ]


def test_the_service_refuses_without_the_permission_and_records_nothing(full_file):
    provider, *_ = full_file
    with pytest.raises(PermissionDenied):
        credentialing_file_download(
            provider=provider,
            actor=staff_user("nosy@alma.test", "onboarding.view_provider"),
            now=timezone.now(),
        )
    assert not CredentialingFileDownload.objects.exists()


def test_staff_confirm_then_download_the_file_in_admin(full_file):
    provider, verifications, *_ = full_file
    reviewer = downloader()
    browser = signed_in_client(reviewer)
    url = reverse("admin:verification_credentialing_file_export", args=[provider.public_id])

    change_page = browser.get(reverse("admin:onboarding_provider_change", args=[provider.pk])).text
    assert elements(change_page, "a#download-credentialing-file")[0].count(url) == 1

    confirm = browser.get(url)
    assert confirm.status_code == 200
    assert "This download is recorded" in text_of(confirm.text)
    assert not CredentialingFileDownload.objects.exists()  # looking is not downloading

    response = browser.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="credentialing-file-dana-whitfield-2026-03-10.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    members = unzip(response.content)
    assert {f"evidence/psv-{v.pk}-{v.item}.pdf" for v in verifications} <= set(members)
    (audit,) = CredentialingFileDownload.objects.all()
    assert (audit.provider, audit.downloaded_by) == (provider, reviewer)
    assert audit.sha256 == hashlib.sha256(response.content).hexdigest()

    audit_list = browser.get(reverse("admin:verification_credentialingfiledownload_changelist"))
    assert audit_list.status_code == 403  # the download permission does not show the audit
    auditor = signed_in_client(staff_user("auditor@alma.test", "verification.view_credentialingfiledownload"))
    page = auditor.get(reverse("admin:verification_credentialingfiledownload_changelist")).text
    assert audit.sha256 in page
    assert "Add credentialing file download" not in page


def test_staff_without_the_permission_are_refused_get_and_post(full_file):
    provider, *_ = full_file
    browser = signed_in_client(
        staff_user("nosy@alma.test", "onboarding.view_provider", "onboarding.change_provider")
    )
    url = reverse("admin:verification_credentialing_file_export", args=[provider.public_id])

    assert browser.get(url).status_code == 403
    assert browser.post(url).status_code == 403
    assert not CredentialingFileDownload.objects.exists()
    change_page = browser.get(reverse("admin:onboarding_provider_change", args=[provider.pk])).text
    assert not elements(change_page, "a#download-credentialing-file")


def test_anonymous_visitors_and_providers_are_sent_to_sign_in(client, full_file):
    provider, *_ = full_file
    url = reverse("admin:verification_credentialing_file_export", args=[provider.public_id])
    for browser in (client, signed_in_client(provider)):
        for response in (browser.get(url), browser.post(url)):
            assert response.status_code == 302
            assert url not in response.url or response.url.startswith("/admin/login/")
            assert "application/zip" not in response.get("Content-Type", "")
    assert not CredentialingFileDownload.objects.exists()


def test_the_credentialing_role_and_admin_may_download_support_may_not():
    def may_download(group: str) -> bool:
        return (
            Group.objects.get(name=group)
            .permissions.filter(
                content_type__app_label="verification", codename="download_credentialing_file"
            )
            .exists()
        )

    assert may_download("Credentialing")
    assert may_download("Admin")
    assert not may_download("Support")


def test_a_role_without_the_permission_is_refused_and_a_role_with_it_downloads(full_file):
    provider, *_ = full_file
    url = reverse("admin:verification_credentialing_file_export", args=[provider.public_id])
    support = staff_user("support.desk@alma.test")
    support.groups.add(Group.objects.get(name="Support"))
    refused = signed_in_client(support)
    assert (refused.get(url).status_code, refused.post(url).status_code) == (403, 403)

    credentialing = staff_user("credentialing.desk@alma.test")
    credentialing.groups.add(Group.objects.get(name="Credentialing"))
    response = signed_in_client(credentialing).post(url)
    assert response.status_code == 200
    assert [row.downloaded_by for row in CredentialingFileDownload.objects.all()] == [credentialing]


def test_a_file_with_nothing_in_it_yet_exports_and_says_so(provider):
    members = unzip(credentialing_file_zip(provider, now=timezone.now()))
    assert set(members) == {"index.html", "index.json"}
    text = text_of(members["index.html"].decode())
    for words in (
        "NPI Not given yet",
        "No required items: the Insurance Form is not in yet.",
        "No primary-source verification recorded.",
        "No registry look-up recorded.",
        "No run has checked this provider yet.",
        "No possible match has been found.",
        "No credentialing decision recorded.",
        "No approved decision yet, so no recredentialing date.",
    ):
        assert words in text


def test_staff_with_the_permission_still_need_the_authenticator_step(full_file, settings):
    settings.STAFF_MFA_REQUIRED = True
    provider, *_ = full_file
    reviewer = downloader()
    TOTP.activate(reviewer, generate_totp_secret())
    browser = signed_in_client(reviewer)  # a password-only session: no code entered
    url = reverse("admin:verification_credentialing_file_export", args=[provider.public_id])
    for response in (browser.get(url), browser.post(url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_reauthenticate"))
    assert not CredentialingFileDownload.objects.exists()
