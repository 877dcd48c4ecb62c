import factory
from django.utils.text import slugify

from kpis.models import (
    Aggregation,
    Direction,
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    Question,
    ValueType,
)
from kpis.periods import Quarter
from outcomes.models import Horizon, Mission, Outcome, Priority
from partnerships.models import Membership, Organisation, Partnership, Role, User
from wellbeing.models import FrameworkAdoption

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.net")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    reporting_year_start_month = 9

    @factory.post_generation
    def framework(obj, create, extracted, **kwargs):
        """``PartnershipFactory(framework=...)``: the framework it adopts."""
        if create and extracted is not None:
            FrameworkAdoption.objects.create(partnership=obj, framework=extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    partnership = factory.SubFactory(PartnershipFactory)
    statement = "End social inequality across the region by 2030"
    target_year = 2030


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Priority {n}")
    mission_statement = "To support our communities and partners."


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    partnership = factory.SubFactory(PartnershipFactory)
    priority = factory.SubFactory(
        PriorityFactory, partnership=factory.SelfAttribute("..partnership")
    )
    statement = factory.Sequence(lambda n: f"Outcome {n} happens")
    horizon = Horizon.SHORT


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceMeasure

    partnership = factory.SubFactory(PartnershipFactory)
    outcome = factory.SubFactory(
        OutcomeFactory, partnership=factory.SelfAttribute("..partnership")
    )
    priority = factory.LazyAttribute(
        lambda o: o.outcome.priority if o.outcome else None
    )
    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Number of events {n}")
    question = Question.HOW_MUCH
    value_type = ValueType.COUNT
    aggregation = Aggregation.SUM
    direction = Direction.UP
    annual_target = 100
    is_headline = True


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("partnership", "year", "quarter")

    partnership = factory.SubFactory(PartnershipFactory)
    year = 2024
    quarter = 1
    starts_on = factory.LazyAttribute(
        lambda o: (
            Quarter(
                o.year, o.quarter, o.partnership.reporting_year_start_month
            ).starts_on
        )
    )
    ends_on = factory.LazyAttribute(
        lambda o: (
            Quarter(o.year, o.quarter, o.partnership.reporting_year_start_month).ends_on
        )
    )


class QuarterlyValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyValue

    measure = factory.SubFactory(MeasureFactory)
    partnership = factory.SelfAttribute("measure.partnership")
    period = factory.SubFactory(
        PeriodFactory, partnership=factory.SelfAttribute("..partnership")
    )
    value_type = factory.SelfAttribute("measure.value_type")
    value = 10


class MeasureLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureLead

    measure = factory.SubFactory(MeasureFactory)
    partnership = factory.SelfAttribute("measure.partnership")
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A measure's lead is a member of its partnership (the database
        # refuses anyone else: kpis migration 0017); a lead made here joins
        # as a project lead unless they belong already.
        Membership.objects.get_or_create(
            partnership=kwargs["partnership"],
            user=kwargs["user"],
            defaults={"role": Role.LEAD},
        )
        return super()._create(model_class, *args, **kwargs)


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "kpis.Dimension"

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Dimension {n}")
    is_exhaustive = False


class DimensionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "kpis.DimensionCategory"

    dimension = factory.SubFactory(DimensionFactory)
    partnership = factory.SelfAttribute("dimension.partnership")
    name = factory.Sequence(lambda n: f"Category {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.Project"

    partnership = factory.SubFactory(PartnershipFactory)
    priority = factory.SubFactory(
        PriorityFactory, partnership=factory.SelfAttribute("..partnership")
    )
    name = factory.Sequence(lambda n: f"Project {n}")


# --- National frameworks: reference data (tests run in the platform context) ---


class NationalFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.NationalFramework"

    slug = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")
    nation = "Elsewhere"
    version = "1"


class WellbeingGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.WellbeingGoal"

    framework = factory.SubFactory(NationalFrameworkFactory)
    code = factory.Sequence(lambda n: f"goal-{n}")
    name = factory.Sequence(lambda n: f"Goal {n}")
    position = factory.Sequence(lambda n: n)


class WayOfWorkingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.WayOfWorking"

    framework = factory.SubFactory(NationalFrameworkFactory)
    code = factory.Sequence(lambda n: f"way-{n}")
    name = factory.Sequence(lambda n: f"Way {n}")
    position = factory.Sequence(lambda n: n)


class NationalIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.NationalIndicator"

    framework = factory.SubFactory(NationalFrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Percentage of people doing well {n}")
    unit_kind = "percentage"
    direction = "up"
    confirmed = True
