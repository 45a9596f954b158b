from django.db import migrations, models


def fill_identity(apps, schema_editor):
    # Rows from before: keep them distinct by what they were keyed on.
    ExpiryReminder = apps.get_model("credentialing", "ExpiryReminder")
    for reminder in ExpiryReminder.objects.all():
        reminder.identity = f"{reminder.kind}:{reminder.reference}"[:60]
        reminder.save(update_fields=["identity"])


class Migration(migrations.Migration):
    dependencies = [
        ("credentialing", "0003_expiry_reminders"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="expiryreminder", name="one_reminder_per_credential_expiry_threshold"),
        migrations.AddField(
            model_name="expiryreminder",
            name="identity",
            field=models.CharField(default="", max_length=60),
            preserve_default=False,
        ),
        migrations.RunPython(fill_identity, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="expiryreminder",
            name="reference",
            field=models.CharField(help_text="As the provider reads it in the email", max_length=200),
        ),
        migrations.AddConstraint(
            model_name="expiryreminder",
            constraint=models.UniqueConstraint(
                fields=("provider", "identity", "expires_on", "days_before"),
                name="one_reminder_per_credential_expiry_threshold",
            ),
        ),
    ]
