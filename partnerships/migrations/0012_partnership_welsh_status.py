from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0011_security_event_kinds_merged'),
    ]

    operations = [
        migrations.AddField(
            model_name='partnership',
            name='welsh_status',
            field=models.CharField(blank=True, choices=[('', 'Not stated'), ('draft', 'Draft translation, to be checked'), ('checked', 'Checked')], default='', max_length=8, verbose_name='Welsh texts'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.CheckConstraint(condition=models.Q(('welsh_status__in', ['', 'draft', 'checked'])), name='partnership_welsh_status_valid'),
        ),
    ]
