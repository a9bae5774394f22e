"""The Notification model moves from governance to this app: same table, its content type renamed, a batch column added."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label: str, other: str):
    def rename(apps, schema_editor):
        # Audit entries and permissions point at the content type row, so the row is renamed, not replaced.
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=other, model="notification").update(app_label=app_label)

    return rename


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0011_security_access_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=100, verbose_name="key")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="text")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="time")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "governance_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="notification_unread_idx")],
                        "constraints": [models.UniqueConstraint(fields=("user", "key"), name="notification_unique_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to("notifications", "governance"), content_type_to("governance", "notifications")),
        migrations.AddField(
            model_name="notification",
            name="batch",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
    ]
