"""Stored masks of the old format (130102********123X) kept the digits around the birth date, which the pages showed: re-mask them.

The new mask (core.personal_data.mask_id_number) keeps the first two and the last character, which the old mask
kept too, so it is computed from the stored mask in one UPDATE, without the encryption keys. The rule is written out
here rather than imported: a migration must keep doing what it did when it was written.
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat, Left, Length, Repeat, Right


def remask(apps, schema_editor):
    Resident = apps.get_model("households", "Resident")
    mask = F("id_number_masked")
    Resident.objects.exclude(id_number_masked="").update(id_number_masked=Concat(Left(mask, 2), Repeat(Value("*"), Length(mask) - 3), Right(mask, 1)))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0003_household_address_index"),
    ]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
