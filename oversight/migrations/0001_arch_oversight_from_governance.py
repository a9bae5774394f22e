"""The assessment and monthly report models move from governance to this app: same tables, their content types renamed."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("assessmentplan", "indicator", "monthlyreport")


def content_types_to(app_label: str, other: str):
    def rename(apps, schema_editor):
        # Audit entries and permissions point at the content type rows, so the rows are renamed, not replaced.
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=other, model__in=MODELS).update(app_label=app_label)

    return rename


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0013_arch_job_capabilities"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AssessmentPlan",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                        ("min_requests", models.PositiveSmallIntegerField(default=10, verbose_name="fewest requests to be ranked on rates")),
                    ],
                    options={
                        "verbose_name": "assessment plan",
                        "verbose_name_plural": "assessment plans",
                        "db_table": "governance_assessmentplan",
                        "ordering": ["-year"],
                    },
                ),
                migrations.CreateModel(
                    name="Indicator",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "key",
                            models.CharField(
                                choices=[
                                    ("visit_coverage", "Visit coverage (visited in 90 days)"),
                                    ("key_care", "Key-care visits on time"),
                                    ("acceptance", "Acceptance rate"),
                                    ("on_time", "On-time completion rate"),
                                    ("satisfaction", "Satisfaction rate"),
                                    ("volunteer_hours", "Volunteer hours per household"),
                                    ("linkage", "Linkage compliance"),
                                ],
                                max_length=20,
                                verbose_name="indicator",
                            ),
                        ),
                        ("weight", models.PositiveSmallIntegerField(verbose_name="weight")),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="indicators", to="oversight.assessmentplan", verbose_name="plan"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "indicator",
                        "verbose_name_plural": "indicators",
                        "db_table": "governance_indicator",
                        "constraints": [models.UniqueConstraint(fields=("plan", "key"), name="indicator_once_per_plan")],
                    },
                ),
                migrations.CreateModel(
                    name="MonthlyReport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("month", models.DateField(help_text="The first day of the month reported.", verbose_name="month")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("pdf", models.FileField(upload_to="reports/%Y/%m/", verbose_name="PDF")),
                        ("xlsx", models.FileField(upload_to="reports/%Y/%m/", verbose_name="Excel")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="generated at")),
                        (
                            "community",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="monthly_reports",
                                to="governance.community",
                                verbose_name="community",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="monthly_reports", to="governance.district", verbose_name="district"
                            ),
                        ),
                        (
                            "street",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="monthly_reports",
                                to="governance.street",
                                verbose_name="street",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "monthly report",
                        "verbose_name_plural": "monthly reports",
                        "db_table": "governance_monthlyreport",
                        "ordering": ["-month", "district_id", "street_id", "community_id"],
                        "indexes": [models.Index(fields=["month"], name="monthly_report_month_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("oversight", "governance"), content_types_to("governance", "oversight")),
    ]
