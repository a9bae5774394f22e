"""Capabilities named by the job they gate: a membership granted an old, shared capability keeps every job it opened."""

from django.db import migrations

# The jobs each shared capability gated before the split, written out so that later edits of roles.py cannot change this migration.
SPLIT = {
    "view_audit": ["view_oversight", "view_linkage"],
    "manage_hierarchy": ["manage_volunteers", "manage_lists", "manage_linkage", "view_linkage"],
}


def add_job_capabilities(apps, schema_editor):
    Membership = apps.get_model("governance", "Membership")
    for membership in Membership.objects.exclude(extra_capabilities=[]).only("id", "extra_capabilities"):
        held = list(membership.extra_capabilities or [])
        added = [job for shared in held for job in SPLIT.get(shared, [])]
        merged = list(dict.fromkeys(held + added))
        if merged != held:
            membership.extra_capabilities = merged
            membership.save(update_fields=["extra_capabilities"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0012_arch_notification_to_notifications")]

    operations = [migrations.RunPython(add_job_capabilities, migrations.RunPython.noop)]
