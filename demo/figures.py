"""The demo's invented quarterly figures.

Drawn from random generators seeded by measure code and quarter, so they are
the same on every load; the words and paces come from ``data/stories.toml``.
"""

import random
from decimal import Decimal

from .specs import Figures, MeasureSpec, StoriesSpec

# Plain strings for kpis' ValueType and Aggregation, as in the specs.
COUNT = "count"
MILESTONE = "milestone"
SUM = "sum"


def demo_series(
    spec: MeasureSpec, *, slug: str, quarters: list, stories: StoriesSpec
) -> list[Figures]:
    """The measure's figures for ``quarters`` (kpis.periods.Quarter), in order."""
    profile = random.Random(f"{slug}/{spec.code}")
    pace = profile.choice(stories.paces)
    done_quarter = spec.done_quarter
    if done_quarter is None and profile.random() < 0.8:
        done_quarter = profile.randint(1, stories.quarters_of_history)
    base_percentage = (
        spec.target * pace if spec.target is not None else profile.uniform(55, 85)
    )
    series = []
    for index, quarter in enumerate(quarters):
        rng = random.Random(f"{slug}/{spec.code}/{quarter.year}-Q{quarter.quarter}")
        if spec.value_type == MILESTONE:
            figures = _milestone_figures(
                rng, index=index, done_quarter=done_quarter, stories=stories
            )
        elif spec.value_type == COUNT:
            figures = _count_figures(rng, spec, index=index, pace=pace, stories=stories)
        else:
            figures = _ratio_figures(
                rng,
                spec,
                index=index,
                base_percentage=base_percentage,
                stories=stories,
            )
        series.append(figures)
    return series


def demo_breakdown(
    *, total: int, categories: list[int], exhaustive: bool, key: str
) -> dict[str, int]:
    """Split a count over its breakdown dimension's categories (by id).

    Exhaustive: every count lands in exactly one category. Otherwise about a
    fifth belong to none the strategy names.
    """
    rng = random.Random(key)
    counted = total if exhaustive else round(total * 0.8)
    cells = {str(category): 0 for category in categories}
    weights = [rng.uniform(0.5, 2.0) for _category in categories]
    for _person in range(counted):
        chosen = rng.choices(categories, weights=weights)[0]
        cells[str(chosen)] += 1
    return cells


def _stochastic_round(rng: random.Random, number: float) -> int:
    whole = int(number)
    return max(0, whole + (rng.random() < number - whole))


def _with_story(
    rng: random.Random, sentence: str, stories: StoriesSpec, **numbers
) -> str:
    if rng.random() < 0.5:
        return f"{stories.label} {sentence.format(**numbers)}"
    return stories.label


def _count_figures(
    rng: random.Random,
    spec: MeasureSpec,
    *,
    index: int,
    pace: float,
    stories: StoriesSpec,
) -> Figures:
    if spec.aggregation == SUM:
        if spec.target is not None:
            planned = spec.target / 4
            expected = planned * pace
        else:
            planned = spec.demo_size * (1 + 0.04 * index)
            expected = planned
        value = _stochastic_round(rng, expected * rng.uniform(0.6, 1.4))
    else:
        # A level that builds up over the two years towards the target.
        size = spec.target * pace if spec.target is not None else spec.demo_size
        planned = size * (0.65 + 0.05 * index)
        value = max(0, round(planned * rng.uniform(0.95, 1.05)))
    if value > planned * 1.15:
        pool = stories.ahead
    elif value < planned * 0.85:
        pool = stories.behind
    else:
        pool = stories.steady
    return Figures(
        value=Decimal(value), story=_with_story(rng, rng.choice(pool), stories)
    )


def _ratio_figures(
    rng: random.Random,
    spec: MeasureSpec,
    *,
    index: int,
    base_percentage: float,
    stories: StoriesSpec,
) -> Figures:
    size = spec.demo_size or 30
    denominator = max(1, round(size * rng.uniform(0.7, 1.3)))
    percentage = min(98.0, max(5.0, base_percentage + 0.5 * index + rng.gauss(0, 5)))
    numerator = min(denominator, max(0, round(denominator * percentage / 100)))
    pool = (*stories.ratio, stories.ratio_small) if denominator < 10 else stories.ratio
    story = _with_story(
        rng, rng.choice(pool), stories, numerator=numerator, denominator=denominator
    )
    return Figures(
        numerator=Decimal(numerator), denominator=Decimal(denominator), story=story
    )


def _milestone_figures(
    rng: random.Random, *, index: int, done_quarter: int | None, stories: StoriesSpec
) -> Figures:
    done = done_quarter is not None and index >= done_quarter
    if done_quarter is not None and index == done_quarter:
        story = f"{stories.label} {stories.milestone_done}"
    elif done:
        story = stories.label
    else:
        story = _with_story(rng, rng.choice(stories.milestone_pending), stories)
    return Figures(value=Decimal(int(done)), story=story)
