"""Webinars are dated when published: providers see the most recently published one, not the most
recently created. Rows published before this have no record of when; their creation time is the
best guess there is, and keeps today's current webinar current."""

from django.db import migrations, models
from django.db.models import F


def backfill(apps, schema_editor):
    Webinar = apps.get_model("training", "Webinar")
    Webinar.objects.filter(is_published=True).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_seed_webinar_and_quiz"),
    ]

    operations = [
        migrations.AddField(
            model_name="webinar",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When it was last published; empty while unpublished.",
                null=True,
                verbose_name="published on",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="webinar",
            name="is_published",
            field=models.BooleanField(
                default=True,
                help_text="Providers see the most recently published webinar.",
                verbose_name="published",
            ),
        ),
        migrations.AddConstraint(
            model_name="webinar",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_published", True), ("published_at__isnull", True), _connector="OR"),
                name="unpublished_webinar_has_no_publication_date",
            ),
        ),
    ]
