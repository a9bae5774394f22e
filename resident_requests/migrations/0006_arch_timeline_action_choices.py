from django.db import migrations, models

# The demo seeder wrote the status names where the services write the action names; no service ever wrote these.
DEMO_NAMES = {"refused": "refuse", "withdrawn": "withdraw"}


def demo_action_names(apps, schema_editor):
    """Timeline rows seeded as "refused" / "withdrawn" take the action names the services write, so each has a label."""
    TimelineEntry = apps.get_model("resident_requests", "TimelineEntry")
    for old, new in DEMO_NAMES.items():
        TimelineEntry.objects.filter(action=old).update(action=new)


class Migration(migrations.Migration):
    dependencies = [
        ("resident_requests", "0005_security_public_id"),
    ]

    operations = [
        migrations.RunPython(demo_action_names, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="timelineentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "Submitted"),
                    ("accept", "Accept"),
                    ("refuse", "Not accepted"),
                    ("merge", "Merged as a duplicate"),
                    ("withdraw", "Withdrawn"),
                    ("dispatch", "Dispatched"),
                    ("take", "Taken"),
                    ("note", "Progress note"),
                    ("start", "In progress"),
                    ("handle", "Handled (处置完毕)"),
                    ("verify", "Verify (核查)"),
                    ("rework", "Sent back for rework (返工)"),
                    ("answer", "Answer the resident (答复)"),
                    ("follow_up", "Follow-up (回访)"),
                    ("follow_up_declined", "Follow-up declined or not reached"),
                    ("redo", "Reopened for a redo (重办)"),
                    ("return", "Return as misrouted (回退)"),
                    ("long_term", "Explain and keep open long-term (挂账)"),
                    ("extension_ask", "Ask for an extension (延期)"),
                    ("extension_approved", "Extension approved"),
                    ("extension_refused", "Extension refused"),
                    ("escalate", "Escalate to the next level"),
                    ("remind", "Reminder (催办)"),
                    ("to_alliance", "Put to the red-alliance meeting"),
                    ("alliance_dispatch", "Dispatched by the red-alliance meeting"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
