"""Each profile's go-live date, stored (DirectoryProfile.go_live_on), with the two indexes the
publishing sweep probes every few minutes instead of deciding who is due over every provider
(README, "Performance": the sweep with nothing due was 0.67x the code before issue 14 at 100,000
providers, its target 0.5x).

The existing profiles get their date here, in one UPDATE: the go-live rule's date
(directory.golive) from the same inputs the application reads (directory.selectors), written
again here on the migration's own (historical) models so that this migration keeps meaning what
it meant when it was written. tests/directory/test_go_live_date.py holds it equal to the
application's write (services.profiles_go_live_write).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import DateField, F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate


def fill_go_live_on(apps, schema_editor) -> int:
    """Every profile's go-live date: the latest of the earliest approved effective date, the
    contracted start date and the day (company time zone) the webinar and quiz were both done,
    for an approved General Onboarding form and a profile neither hidden nor offboarded; else
    NULL. Returns how many profiles got a date."""
    profile_model = apps.get_model("directory", "DirectoryProfile")
    provider_model = apps.get_model("onboarding", "Provider")
    application_model = apps.get_model("credentialing", "PayerApplication")
    earliest_effective = (
        application_model.objects.filter(provider=OuterRef("pk"), status="approved")
        .order_by()
        .values("provider")
        .annotate(start=Min("effective_date"))
        .values("start")
    )
    watched, passed = "training_progress__webinar_completed_at", "training_progress__quiz_passed_at"
    trained_on = TruncDate(Greatest(F(watched), F(passed)), tzinfo=ZoneInfo(settings.COMPANY_TIME_ZONE))
    day = (
        provider_model.objects.filter(
            pk=OuterRef("provider_id"),
            general_onboarding__status="approved",
            **{f"{watched}__isnull": False, f"{passed}__isnull": False},
        )
        .annotate(start=Subquery(earliest_effective, output_field=DateField()))
        .filter(start__isnull=False)
        .annotate(day=Greatest("start", "contracted_start_date", trained_on, output_field=DateField()))
        .values("day")[:1]
    )
    profile_model.objects.filter(hidden_by_staff=False, offboarded_at__isnull=True).update(
        go_live_on=Subquery(day, output_field=DateField())
    )
    return profile_model.objects.filter(go_live_on__isnull=False).count()


def _fill(apps, schema_editor) -> None:
    fill_go_live_on(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_profile_network_index"),
        ("onboarding", "0015_review_and_provider_list_indexes"),
        ("credentialing", "0008_insurance_form_waiting_index"),
        ("training", "0004_webinar_published_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="directoryprofile",
            name="go_live_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="directoryprofile",
            index=models.Index(
                models.Case(
                    models.When(is_live=False, then=models.F("go_live_on")), output_field=models.DateField()
                ),
                name="directory_profile_going_live",
            ),
        ),
        migrations.AddIndex(
            model_name="directoryprofile",
            index=models.Index(
                models.Case(
                    models.When(
                        is_live=True,
                        then=Coalesce(models.F("go_live_on"), models.Value(datetime.date(9999, 12, 31))),
                    ),
                    output_field=models.DateField(),
                ),
                name="directory_profile_coming_down",
            ),
        ),
        # Existing profiles: no date is the same as "blocked" until this has run, so it runs in
        # the migration, before any sweep reads the column. Nothing to undo backwards (the column
        # goes).
        migrations.RunPython(_fill, migrations.RunPython.noop, elidable=True),
    ]
