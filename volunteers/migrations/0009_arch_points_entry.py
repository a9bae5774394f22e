"""The points ledger becomes the points passbook's entries (PointsEntry): "ledger" means only the household ledger.

The table keeps its name (no data moves); the top-level RenameModel lets Django rename the content type, so audit
entries and permissions still resolve; the permissions' codenames and names follow.
"""

from django.db import migrations, models


def permissions_rename(apps, schema_editor, old="ledgerentry", new="pointsentry", label="points entry"):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label="volunteers", codename__endswith=f"_{old}"):
        action = permission.codename.removesuffix(f"_{old}")
        permission.codename = f"{action}_{new}"
        permission.name = f"Can {action} {label}"
        permission.save(update_fields=["codename", "name"])


def permissions_rename_back(apps, schema_editor):
    permissions_rename(apps, schema_editor, old="pointsentry", new="ledgerentry", label="ledger entry")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("volunteers", "0008_security_checkin_window"),
    ]

    operations = [
        migrations.AlterModelTable(name="ledgerentry", table="volunteers_ledgerentry"),
        migrations.RenameModel(old_name="LedgerEntry", new_name="PointsEntry"),
        migrations.AlterModelOptions(
            name="pointsentry",
            options={"ordering": ["-created_at", "-id"], "verbose_name": "points entry", "verbose_name_plural": "points passbook"},
        ),
        migrations.AlterField(
            model_name="pointsentry",
            name="volunteer",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="points_entries", to="volunteers.volunteer", verbose_name="volunteer"
            ),
        ),
        migrations.AlterField(
            model_name="pointsentry",
            name="signup",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="points_entry",
                to="volunteers.signup",
                verbose_name="activity sign-up",
            ),
        ),
        migrations.AlterField(
            model_name="redemption",
            name="entry",
            field=models.OneToOneField(on_delete=models.deletion.PROTECT, related_name="redemption", to="volunteers.pointsentry", verbose_name="points entry"),
        ),
        migrations.RunPython(permissions_rename, permissions_rename_back),
    ]
