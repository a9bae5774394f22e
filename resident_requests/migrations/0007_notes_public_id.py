from django.db import migrations


def tracking_codes_to_public_ids(apps, schema_editor):
    """Merge notes and points notes written before requests had a public number named the tracking code, the resident's
    secret: they name the public number instead, so no note lets a reader act as the resident."""
    ResidentRequest = apps.get_model("resident_requests", "ResidentRequest")
    TimelineEntry = apps.get_model("resident_requests", "TimelineEntry")
    PointsEntry = apps.get_model("volunteers", "PointsEntry")
    merges = TimelineEntry.objects.filter(action="merge", request__merged_into__isnull=False).select_related("request__merged_into")
    changed = []
    for entry in merges.iterator(chunk_size=2000):
        target = entry.request.merged_into
        if entry.note == target.tracking_code:
            entry.note = target.public_id
            changed.append(entry)
    TimelineEntry.objects.bulk_update(changed, ["note"], batch_size=2000)
    entries = list(PointsEntry.objects.filter(kind="request").only("pk", "note"))
    codes = {entry.note.split(" ", 1)[0] for entry in entries}
    public_ids = dict(ResidentRequest.objects.filter(tracking_code__in=codes).values_list("tracking_code", "public_id"))
    changed = []
    for entry in entries:
        code, _, rest = entry.note.partition(" ")
        if code in public_ids:
            entry.note = f"{public_ids[code]} {rest}".strip()
            changed.append(entry)
    PointsEntry.objects.bulk_update(changed, ["note"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("resident_requests", "0006_arch_timeline_action_choices"),
        ("volunteers", "0009_arch_points_entry"),
    ]

    operations = [migrations.RunPython(tracking_codes_to_public_ids, migrations.RunPython.noop)]
