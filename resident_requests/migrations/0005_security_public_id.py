import secrets

from django.db import migrations, models

import resident_requests.models


def fill_public_ids(apps, schema_editor):
    """Every existing request gets its own random number; the tracking code is never copied into it."""
    ResidentRequest = apps.get_model("resident_requests", "ResidentRequest")
    used = set()
    batch = []
    for request in ResidentRequest.objects.only("pk").order_by("pk").iterator(chunk_size=2000):
        public_id = secrets.token_hex(6).upper()
        while public_id in used:
            public_id = secrets.token_hex(6).upper()
        used.add(public_id)
        request.public_id = public_id
        batch.append(request)
        if len(batch) == 2000:
            ResidentRequest.objects.bulk_update(batch, ["public_id"])
            batch = []
    ResidentRequest.objects.bulk_update(batch, ["public_id"])


def hide_staff_notes(apps, schema_editor):
    """Notes the old code showed the resident (dispatch, check, handling, merge target...) become internal, as new ones are.

    Only the visibility flag changes, never a note: the timeline stays append-only in content. The resident's own
    rating comments and withdrawals (no actor), refusals, answers and long-term explanations stay public.
    """
    TimelineEntry = apps.get_model("resident_requests", "TimelineEntry")
    TimelineEntry.objects.filter(public=True, action__in=["accept", "dispatch", "take", "handle", "verify", "merge", "alliance_dispatch"]).update(public=False)
    TimelineEntry.objects.filter(public=True, action__in=["withdraw", "follow_up", "follow_up_declined", "redo"], actor__isnull=False).update(public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("resident_requests", "0004_alliance_meeting"),
    ]

    operations = [
        migrations.AddField(
            model_name="residentrequest",
            name="public_id",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="request number"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="residentrequest",
            name="public_id",
            field=models.CharField(default=resident_requests.models.new_public_id, editable=False, max_length=12, unique=True, verbose_name="request number"),
        ),
        migrations.RunPython(hide_staff_notes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="idempotencykey",
            name="payload_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
