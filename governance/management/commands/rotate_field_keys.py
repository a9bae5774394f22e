"""Re-encrypt every protected value with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after it), restart,
run this command, then drop the old keys. Keyed hashes do not change (FIELD_HASH_KEY is separate).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.personal_data import rotate

BATCH = 2000


def encrypted_models():
    for model in apps.get_models():
        fields = [field.attname for field in model._meta.concrete_fields if field.attname.endswith("_enc")]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest FIELD_ENCRYPTION_KEYS key (run after adding a key)."

    def handle(self, *args, **options):
        for model, fields in encrypted_models():
            done = 0
            last_pk = 0
            while True:
                # Bounded batches by primary key, each in its own transaction, so a re-run simply redoes the rest.
                rows = list(model.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", *fields)[:BATCH])
                if not rows:
                    break
                with transaction.atomic():
                    objects = []
                    for pk, *tokens in rows:
                        obj = model(pk=pk)
                        for field, token in zip(fields, tokens, strict=True):
                            setattr(obj, field, rotate(token))
                        objects.append(obj)
                    model.objects.bulk_update(objects, fields)
                done += len(rows)
                last_pk = rows[-1][0]
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted.")
