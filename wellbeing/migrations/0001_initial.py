"""The national frameworks, the contribution map, population series and
curve stories move here from kpis, keeping their tables.

The models keep their kpis_* tables (``db_table``), so the move is
state-only (kpis/0014 deletes them from kpis's state, equally state-only):
no table, column, sequence, constraint, index, row-level-security policy or
composite foreign key changes, and no row is copied. Renaming the tables
would have left their sequences, indexes, constraints and policies under the
old names or needed each renamed by hand, for nothing a reader gains.

What does change:

* the reference-data triggers: django-pgtrigger names a trigger after its
  model's app (``pgid``), so the moved models' triggers are installed here
  under their new names, and kpis/0014 removes the old ones (left in place,
  ``pgtrigger ls`` would call them orphaned and ``pgtrigger prune`` drop
  them);
* content types: the kpis rows of the moved models are relabelled, keeping
  their ids, so permissions and admin log entries stay attached (post_migrate
  would otherwise make new rows and leave the old ones stale);
* FrameworkAdoption, a new tenant table: the framework each partnership
  adopts (0002 copies Partnership.framework into it).
"""


import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from partnerships.rls import enable_rls

MOVED_MODELS = [
    "contribution",
    "curvestory",
    "indicatorobservation",
    "indicatorseries",
    "indicatorset",
    "indicatorsetmembership",
    "nationalframework",
    "nationalindicator",
    "wayofworking",
    "wellbeinggoal",
]


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    # A model that already has a row under the new label (post_migrate made
    # one after a partial reversal) keeps it; the old row is left stale.
    taken = content_type.objects.filter(
        app_label=new, model__in=MOVED_MODELS
    ).values_list("model", flat=True)
    content_type.objects.filter(app_label=old, model__in=MOVED_MODELS).exclude(
        model__in=list(taken)
    ).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "kpis", "wellbeing")


def unlabel_content_types(apps, schema_editor):
    _relabel(apps, "wellbeing", "kpis")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('kpis', '0013_locked_quarter_guard_per_statement'),
        ('outcomes', '0004_project_partnership_id_unique'),
        ('partnerships', '0006_merge_population_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IndicatorSeries',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('breakdown', models.CharField(blank=True, help_text="Empty for the whole population, e.g. 'Female' or 'Age 16-24'.", max_length=200, verbose_name='breakdown')),
                        ('source_note', models.TextField(blank=True, help_text='The notes above the header of the imported file.', verbose_name='source')),
                        ('is_sample', models.BooleanField(default=False, help_text='Made-up figures for the demo, not real statistics.', verbose_name='sample data')),
                        ('imported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last imported')),
                    ],
                    options={
                        'verbose_name_plural': 'indicator series',
                        'db_table': 'kpis_indicatorseries',
                        'ordering': ['indicator', 'breakdown'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorSet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('slug', models.SlugField(max_length=40, verbose_name='slug')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('laid_on', models.DateField(blank=True, null=True, verbose_name='published or laid on')),
                        ('is_current', models.BooleanField(default=False, verbose_name='the set in force')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'kpis_indicatorset',
                        'ordering': ['framework', 'position', 'slug'],
                    },
                ),
                migrations.CreateModel(
                    name='NationalFramework',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('nation', models.CharField(max_length=100, verbose_name='nation')),
                        ('version', models.CharField(help_text="Which edition of the framework, e.g. '2015 Act, 2021 indicators'.", max_length=100, verbose_name='version')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source')),
                    ],
                    options={
                        'db_table': 'kpis_nationalframework',
                        'ordering': ['nation', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='NationalIndicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                        ('title', models.CharField(max_length=400, verbose_name='title')),
                        ('unit_kind', models.CharField(choices=[('percentage', 'Percentage'), ('count', 'Count'), ('rate', 'Rate'), ('score', 'Score'), ('other', 'Other (see the source)')], max_length=10, verbose_name='kind of unit')),
                        ('direction', models.CharField(choices=[('up', 'Higher is better'), ('down', 'Lower is better'), ('unknown', 'Not established')], default='unknown', max_length=7, verbose_name='desired direction')),
                        ('confirmed', models.BooleanField(default=False, help_text='Title and number checked against the official list. Unconfirmed indicators are shown as such until platform staff confirm them.', verbose_name='wording confirmed')),
                        ('verification', models.CharField(blank=True, help_text='VERIFIED, MEMORY-HIGH, PARTIAL, UNKNOWN... as shipped.', max_length=20, verbose_name='how it was established')),
                        ('evidence', models.TextField(blank=True, verbose_name='evidence')),
                        ('source_hint', models.TextField(blank=True, verbose_name='data source')),
                    ],
                    options={
                        'db_table': 'kpis_nationalindicator',
                        'ordering': ['framework', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='WayOfWorking',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('code', models.SlugField(max_length=60, verbose_name='code')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name_plural': 'ways of working',
                        'db_table': 'kpis_wayofworking',
                        'ordering': ['framework', 'position', 'code'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='WellbeingGoal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('code', models.SlugField(max_length=60, verbose_name='code')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'kpis_wellbeinggoal',
                        'ordering': ['framework', 'position', 'code'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Contribution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.CharField(blank=True, max_length=500, verbose_name='how it contributes')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('measure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='kpis.performancemeasure')),
                        ('outcome', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='outcomes.outcome')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='partnerships.partnership')),
                        ('priority', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='outcomes.priority')),
                        ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='outcomes.project')),
                    ],
                    options={
                        'db_table': 'kpis_contribution',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='CurveStory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(help_text='The year the story was written for.', verbose_name='reporting year')),
                        ('story', models.TextField(blank=True, verbose_name='the story behind the curve')),
                        ('partners', models.TextField(blank=True, verbose_name='partners with a role to play')),
                        ('what_works', models.TextField(blank=True, verbose_name='what works')),
                        ('action_plan', models.TextField(blank=True, verbose_name='action plan')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='partnerships.partnership')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'curve stories',
                        'db_table': 'kpis_curvestory',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorObservation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('area_code', models.CharField(max_length=20, verbose_name='area code')),
                        ('area_name', models.CharField(max_length=200, verbose_name='area')),
                        ('period_label', models.CharField(max_length=40, verbose_name='period')),
                        ('period_start', models.DateField(verbose_name='period starts on')),
                        ('value', models.DecimalField(decimal_places=4, max_digits=16, verbose_name='value')),
                        ('series', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='wellbeing.indicatorseries')),
                    ],
                    options={
                        'db_table': 'kpis_indicatorobservation',
                        'ordering': ['series', 'area_code', 'period_start'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorSetMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shipped_values', models.JSONField(blank=True, default=dict, editable=False)),
                        ('title_in_set', models.CharField(blank=True, help_text="Empty when the set uses the indicator's title.", max_length=400, verbose_name='title in this set')),
                        ('direction_in_set', models.CharField(blank=True, choices=[('up', 'Higher is better'), ('down', 'Lower is better'), ('unknown', 'Not established')], help_text="Empty when the set uses the indicator's direction.", max_length=7, verbose_name='desired direction in this set')),
                        ('basis', models.TextField(blank=True, verbose_name='how this membership was established')),
                        ('indicator_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='wellbeing.indicatorset')),
                    ],
                    options={
                        'db_table': 'kpis_indicatorsetmembership',
                        'ordering': ['indicator_set', 'indicator__number'],
                    },
                ),
                migrations.AddField(
                    model_name='indicatorset',
                    name='framework',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicator_sets', to='wellbeing.nationalframework'),
                ),
                migrations.AddField(
                    model_name='nationalindicator',
                    name='framework',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='wellbeing.nationalframework'),
                ),
                migrations.AddField(
                    model_name='nationalindicator',
                    name='sets',
                    field=models.ManyToManyField(blank=True, related_name='indicators', through='wellbeing.IndicatorSetMembership', to='wellbeing.indicatorset'),
                ),
                migrations.AddField(
                    model_name='indicatorsetmembership',
                    name='indicator',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='wellbeing.nationalindicator'),
                ),
                migrations.AddField(
                    model_name='indicatorseries',
                    name='indicator',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='series', to='wellbeing.nationalindicator'),
                ),
                migrations.AddField(
                    model_name='curvestory',
                    name='indicator',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wellbeing.nationalindicator'),
                ),
                migrations.AddField(
                    model_name='contribution',
                    name='indicator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wellbeing.nationalindicator'),
                ),
                migrations.AddField(
                    model_name='wayofworking',
                    name='framework',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wellbeing.nationalframework'),
                ),
                migrations.AddField(
                    model_name='contribution',
                    name='way_of_working',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wellbeing.wayofworking'),
                ),
                migrations.AddField(
                    model_name='wellbeinggoal',
                    name='framework',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wellbeing.nationalframework'),
                ),
                migrations.AddField(
                    model_name='contribution',
                    name='goal',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wellbeing.wellbeinggoal'),
                ),
                migrations.AddIndex(
                    model_name='indicatorobservation',
                    index=models.Index(fields=['area_code', 'series'], name='kpis_indica_area_co_18a912_idx'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorobservation',
                    constraint=models.UniqueConstraint(fields=('series', 'area_code', 'period_start'), name='indicator_observation_unique'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorset',
                    constraint=models.UniqueConstraint(fields=('framework', 'slug'), name='indicator_set_slug_unique'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorset',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('framework',), name='indicator_set_one_current_per_framework'),
                ),
                migrations.AddConstraint(
                    model_name='nationalindicator',
                    constraint=models.UniqueConstraint(fields=('framework', 'number'), name='national_indicator_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='nationalindicator',
                    constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='national_indicator_number_positive'),
                ),
                migrations.AddConstraint(
                    model_name='nationalindicator',
                    constraint=models.CheckConstraint(condition=models.Q(('unit_kind__in', ['percentage', 'count', 'rate', 'score', 'other'])), name='national_indicator_unit_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='nationalindicator',
                    constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['up', 'down', 'unknown'])), name='national_indicator_direction_valid'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorsetmembership',
                    constraint=models.UniqueConstraint(fields=('indicator_set', 'indicator'), name='indicator_set_membership_unique'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorsetmembership',
                    constraint=models.CheckConstraint(condition=models.Q(('direction_in_set', ''), ('direction_in_set__in', ['up', 'down', 'unknown']), _connector='OR'), name='indicator_set_membership_direction_valid'),
                ),
                migrations.AddConstraint(
                    model_name='indicatorseries',
                    constraint=models.UniqueConstraint(fields=('indicator', 'breakdown'), name='indicator_series_unique'),
                ),
                migrations.AddConstraint(
                    model_name='curvestory',
                    constraint=models.UniqueConstraint(fields=('partnership', 'indicator', 'year'), name='curve_story_one_per_year'),
                ),
                migrations.AddConstraint(
                    model_name='wayofworking',
                    constraint=models.UniqueConstraint(fields=('framework', 'code'), name='way_of_working_code_unique'),
                ),
                migrations.AddConstraint(
                    model_name='wellbeinggoal',
                    constraint=models.UniqueConstraint(fields=('framework', 'code'), name='wellbeing_goal_code_unique'),
                ),
                migrations.AddConstraint(
                    model_name='contribution',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('measure__isnull', True), ('outcome__isnull', True), ('priority__isnull', False), ('project__isnull', True)), models.Q(('measure__isnull', True), ('outcome__isnull', False), ('priority__isnull', True), ('project__isnull', True)), models.Q(('measure__isnull', False), ('outcome__isnull', True), ('priority__isnull', True), ('project__isnull', True)), models.Q(('measure__isnull', True), ('outcome__isnull', True), ('priority__isnull', True), ('project__isnull', False)), _connector='OR'), name='contribution_exactly_one_source'),
                ),
                migrations.AddConstraint(
                    model_name='contribution',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('goal__isnull', False), ('indicator__isnull', True), ('way_of_working__isnull', True)), models.Q(('goal__isnull', True), ('indicator__isnull', True), ('way_of_working__isnull', False)), models.Q(('goal__isnull', True), ('indicator__isnull', False), ('way_of_working__isnull', True)), _connector='OR'), name='contribution_exactly_one_target'),
                ),
                migrations.AddConstraint(
                    model_name='contribution',
                    constraint=models.UniqueConstraint(fields=('partnership', 'priority', 'outcome', 'measure', 'project', 'goal', 'way_of_working', 'indicator'), name='contribution_unique', nulls_distinct=False),
                ),

            ],
            database_operations=[],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='nationalframework',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='e33d603542bee2e24ff62beecb183dcfa12c5d9b', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_fe187', table='kpis_nationalframework', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorobservation',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='9d573f95886a036826cf26a4fff9c1abd8a5b2a4', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_d5ad3', table='kpis_indicatorobservation', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorset',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='ac0153fc912d6c241fd052120910a43829758195', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_166e2', table='kpis_indicatorset', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='nationalindicator',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='70c9db5d08e352774f8a244b40087a679a4ebbca', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_8077b', table='kpis_nationalindicator', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorsetmembership',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='ce4c1a01fee5e09d800286fad5391d91ae00a0fe', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_803f6', table='kpis_indicatorsetmembership', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorseries',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='a0454780f106e7f9697ad9d5e8b95a8e35e56e55', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_2877f', table='kpis_indicatorseries', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wayofworking',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='208c73442333fc75df2aed2d83203a6c6854bc43', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_1d43f', table='kpis_wayofworking', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wellbeinggoal',
            trigger=pgtrigger.compiler.Trigger(name='reference_data_platform_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN\n        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'\n            USING ERRCODE = '42501';\n    END IF;\n    IF TG_OP = 'DELETE' THEN\n        RETURN OLD;\n    END IF;\n    RETURN NEW;\n    ", hash='d39176f446ae33c5dd452671cb3eb3bee62bff11', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_reference_data_platform_only_87ceb', table='kpis_wellbeinggoal', when='BEFORE')),
        ),
        migrations.CreateModel(
            name='FrameworkAdoption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='framework_adoption', to='partnerships.partnership')),
                ('framework', models.ForeignKey(help_text='The goals, ways of working and national indicators its work contributes to.', on_delete=django.db.models.deletion.PROTECT, related_name='adoptions', to='wellbeing.nationalframework', verbose_name='national well-being framework')),
            ],
        ),
        enable_rls("wellbeing_frameworkadoption"),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
