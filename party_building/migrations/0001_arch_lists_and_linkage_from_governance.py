"""The three lists and the linkage models move from governance to this app: same tables, their content types renamed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["resourceitem", "demanditem", "project", "linkageduty", "linkagerecord"]


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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DemandItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('venue', 'Venue'), ('equipment', 'Equipment and materials'), ('skills', 'Skills and volunteers'), ('funds', 'Funds'), ('services', 'Services (medical, legal, education…)'), ('other', 'Other')], max_length=10, verbose_name='category')),
                        ('description', models.CharField(max_length=200, verbose_name='demand')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='listed at')),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='demands', to='governance.community', verbose_name='community')),
                    ],
                    options={
                        'verbose_name': 'demand',
                        'verbose_name_plural': 'demand list',
                        'db_table': 'governance_demanditem',
                        'ordering': ['category', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='LinkageDuty',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('district_leader', 'District leader (visit at least once a quarter)'), ('street_leader', 'Street leader (contact weekly, visit every two weeks)'), ('first_secretary', 'First secretary (from a district department)')], max_length=20, verbose_name='kind')),
                        ('department', models.CharField(blank=True, max_length=100, verbose_name='department')),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='linkage_duties', to='governance.community', verbose_name='community')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='linkage_duties', to=settings.AUTH_USER_MODEL, verbose_name='leader')),
                    ],
                    options={
                        'verbose_name': 'linkage duty',
                        'verbose_name_plural': 'linkage duties',
                        'db_table': 'governance_linkageduty',
                    },
                ),
                migrations.CreateModel(
                    name='LinkageRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('visit', 'Visit'), ('contact', 'Contact (phone, message)'), ('joint_meeting', 'Party-building joint meeting')], max_length=20, verbose_name='kind')),
                        ('held_on', models.DateField(verbose_name='date')),
                        ('people', models.CharField(max_length=200, verbose_name='people')),
                        ('topics', models.TextField(verbose_name='topics')),
                        ('problems', models.TextField(blank=True, help_text='One per line; each can become a request in one step.', verbose_name='problems raised')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='linkage_records', to='governance.community', verbose_name='community')),
                        ('duty', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='records', to='party_building.linkageduty', verbose_name='duty')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('units', models.ManyToManyField(blank=True, related_name='joint_meetings', to='governance.residentunit', verbose_name='resident units present')),
                    ],
                    options={
                        'verbose_name': 'linkage record',
                        'verbose_name_plural': 'linkage records',
                        'db_table': 'governance_linkagerecord',
                        'ordering': ['-held_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ResourceItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('venue', 'Venue'), ('equipment', 'Equipment and materials'), ('skills', 'Skills and volunteers'), ('funds', 'Funds'), ('services', 'Services (medical, legal, education…)'), ('other', 'Other')], max_length=10, verbose_name='category')),
                        ('description', models.CharField(max_length=200, verbose_name='resource')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='listed at')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resources', to='governance.residentunit', verbose_name='resident unit')),
                    ],
                    options={
                        'verbose_name': 'resource',
                        'verbose_name_plural': 'resource list',
                        'db_table': 'governance_resourceitem',
                        'ordering': ['category', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Project',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('owner', models.CharField(max_length=50, verbose_name='owner')),
                        ('plan', models.TextField(verbose_name='plan')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('under_way', 'Under way'), ('done', 'Done')], default='planned', max_length=10, verbose_name='status')),
                        ('result', models.TextField(blank=True, verbose_name='result')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='projects', to='governance.community', verbose_name='community')),
                        ('demand', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='project', to='party_building.demanditem', verbose_name='demand')),
                        ('resource', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='party_building.resourceitem', verbose_name='resource')),
                    ],
                    options={
                        'verbose_name': 'project',
                        'verbose_name_plural': 'project list',
                        'db_table': 'governance_project',
                        'ordering': ['status', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='linkageduty',
                    constraint=models.UniqueConstraint(fields=('user', 'community', 'kind'), name='linkage_duty_unique'),
                ),
                migrations.AddIndex(
                    model_name='linkagerecord',
                    index=models.Index(fields=['community', 'kind', 'held_on'], name='linkage_record_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("party_building", "governance"), content_types_to("governance", "party_building")),
    ]
