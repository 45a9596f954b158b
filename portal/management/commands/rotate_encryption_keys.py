from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import authenticator_secrets_rotate
from alma import secrets
from credentialing.models import InsuranceForm
from practice.services import payout_account_numbers_rotate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (CAQH passwords, bank account numbers, staff authenticator "
        "secrets) under the first key of "
        "FIELD_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run this, "
        "then remove the old keys. Safe to run again."
    )

    def handle(self, *args, **options):
        rotated = 0
        queryset = InsuranceForm.objects.exclude(caqh_password_encrypted="").only(
            "pk", "caqh_password_encrypted"
        )
        try:
            with transaction.atomic():
                batch = []
                for record in queryset.select_for_update().iterator(chunk_size=BATCH):
                    record.caqh_password_encrypted = secrets.rotate(record.caqh_password_encrypted)
                    batch.append(record)
                    if len(batch) == BATCH:
                        rotated += self._save(batch)
                rotated += self._save(batch)
                rotated += payout_account_numbers_rotate()
                # In the same transaction: one unreadable secret anywhere changes nothing at all.
                rotated += authenticator_secrets_rotate()
        except secrets.SecretUnreadable as exc:
            raise CommandError(f"{exc}; nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} secret(s) under the newest key."))

    def _save(self, batch: list[InsuranceForm]) -> int:
        InsuranceForm.objects.bulk_update(batch, ["caqh_password_encrypted"])
        count = len(batch)
        batch.clear()
        if count:
            self.stdout.write(f"  {count} re-encrypted...")
        return count
