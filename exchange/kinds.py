"""The labels a spreadsheet may use for each choice, and the ones exports write."""

from kpis.models import Aggregation, Direction, Question, ValueType
from outcomes.models import Horizon

from .parsing import Choices

KINDS = Choices(
    {
        ValueType.COUNT: ("Count", "number", "no"),
        ValueType.PERCENTAGE: ("Percentage", "%", "percent"),
        ValueType.NUMBER_AND_PERCENTAGE: (
            "Number and percentage",
            "No and %",
            "number and %",
            "count and percentage",
        ),
        ValueType.SCORE: ("Score or average", "score", "average", "mean"),
        ValueType.MILESTONE: (
            "Milestone (done / not done)",
            "milestone",
            "done / not done",
        ),
    }
)
QUESTIONS = Choices(
    {
        Question.HOW_MUCH: ("How much did we do?", "how much", "how much we did"),
        Question.HOW_WELL: (
            "How well did we do it?",
            "how well",
            "how well we did it",
        ),
        Question.BETTER_OFF: ("Is anyone better off?", "better off"),
    }
)
DIRECTIONS = Choices(
    {
        Direction.UP: ("Higher is better", "higher", "up", "increase"),
        Direction.DOWN: ("Lower is better", "lower", "down", "decrease"),
    }
)
AGGREGATIONS = Choices(
    {
        Aggregation.SUM: ("Sum of the quarters", "sum", "total"),
        Aggregation.LATEST: ("Latest quarter", "latest", "last"),
        Aggregation.RATIO_OF_SUMS: (
            "Ratio of the summed numerators and denominators",
            "ratio of sums",
            "ratio",
        ),
        Aggregation.MEAN: ("Mean of the quarters", "mean", "average"),
    }
)
# How a year is made when the sheet leaves it empty: the first rule the
# kind allows (kpis.models.ALLOWED_AGGREGATIONS).
HORIZONS = Choices(
    {
        Horizon.SHORT: ("Short term (1–2 years)", "short term", "short"),
        Horizon.INTERMEDIATE: (
            "Intermediate (up to 7 years)",
            "intermediate",
            "medium term",
        ),
        Horizon.LONG: ("Long term", "long"),
    }
)
