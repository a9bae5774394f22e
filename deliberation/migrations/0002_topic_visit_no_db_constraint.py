import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Visits become partitioned by month (households 0007): the foreign key to them keeps no database constraint."""

    dependencies = [
        ('deliberation', '0001_initial'),
        ('households', '0006_visit_needs_review'),
    ]
    run_before = [('households', '0007_partition_visits')]

    operations = [
        migrations.AlterField(
            model_name='topic',
            name='visit',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='households.visit', verbose_name='visit'),
        ),
    ]
