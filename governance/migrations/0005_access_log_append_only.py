from django.db import migrations

TRIGGER = """
CREATE TRIGGER governance_access_log_append_only
    BEFORE UPDATE OR DELETE ON governance_personaldatalog
    FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""


def forwards(apps, schema_editor):
    # The same append-only function as the audit log (migration 0003), on PostgreSQL only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS governance_access_log_append_only ON governance_personaldatalog;")


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_membership_extra_capabilities_personaldatalog_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
