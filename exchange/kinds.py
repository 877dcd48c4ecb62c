"""The labels a spreadsheet may use for each choice, and the ones exports write.

Each choice's first label is translated: exports and templates write it in
the person's language, and an import reads it in either language (as it
reads the headers), besides the stored value and the aliases after it.
"""

from django.utils.translation import gettext_lazy as _

from kpis.models import Aggregation, Direction, Question, ValueType
from outcomes.models import Horizon

from .parsing import Choices

KINDS = Choices(
    {
        ValueType.COUNT: (_("Count"), "number", "no", "nifer"),
        ValueType.PERCENTAGE: (_("Percentage"), "%", "percent"),
        ValueType.NUMBER_AND_PERCENTAGE: (
            _("Number and percentage"),
            "No and %",
            "number and %",
            "count and percentage",
        ),
        ValueType.SCORE: (
            _("Score or average"),
            "score",
            "average",
            "mean",
            "sgôr",
            "cyfartaledd",
        ),
        ValueType.MILESTONE: (
            _("Milestone (done / not done)"),
            "milestone",
            "done / not done",
            "carreg filltir",
        ),
    }
)
QUESTIONS = Choices(
    {
        Question.HOW_MUCH: (_("How much did we do?"), "how much", "how much we did"),
        Question.HOW_WELL: (
            _("How well did we do it?"),
            "how well",
            "how well we did it",
        ),
        Question.BETTER_OFF: (_("Is anyone better off?"), "better off"),
    }
)
DIRECTIONS = Choices(
    {
        Direction.UP: (_("Higher is better"), "higher", "up", "increase", "uwch"),
        Direction.DOWN: (_("Lower is better"), "lower", "down", "decrease", "is"),
    }
)
AGGREGATIONS = Choices(
    {
        Aggregation.SUM: (_("Sum of the quarters"), "sum", "total", "swm"),
        Aggregation.LATEST: (_("Latest quarter"), "latest", "last", "diweddaraf"),
        Aggregation.RATIO_OF_SUMS: (
            _("Ratio of the summed numerators and denominators"),
            "ratio of sums",
            "ratio",
            "cymhareb",
        ),
        Aggregation.MEAN: (_("Mean of the quarters"), "mean", "average", "cymedr"),
    }
)
# How a year is made when the sheet leaves it empty: the first rule the
# kind allows (kpis.models.ALLOWED_AGGREGATIONS).
HORIZONS = Choices(
    {
        Horizon.SHORT: (_("Short term (1–2 years)"), "short term", "short"),
        Horizon.INTERMEDIATE: (
            _("Intermediate (up to 7 years)"),
            "intermediate",
            "medium term",
        ),
        Horizon.LONG: (_("Long term"), "long"),
    }
)
