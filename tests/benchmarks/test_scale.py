"""The scale benchmark's own measures: a page's PostgreSQL work and the
interval of a ratio of medians."""

import importlib.util
from pathlib import Path

import pytest

from partnerships import services
from tests.factories import MembershipFactory, PriorityFactory

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "scale.py"
spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
scale = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scale)


@pytest.mark.django_db
def test_page_work_sums_the_buffers_and_rows_of_every_select_the_page_runs():
    membership = MembershipFactory()
    partnership = membership.partnership
    for position in range(3):
        PriorityFactory(partnership=partnership, position=position)
    PriorityFactory(partnership=MembershipFactory().partnership)
    _, secret = services.api_token_create(user=membership.user, name="bench")
    path = f"/api/v1/p/{partnership.slug}/priorities/"

    work = scale.page_work(path, {"Authorization": f"Bearer {secret}"})

    assert work["statements"], "no SELECT was explained"
    assert work["buffers"] == sum(s["buffers"] for s in work["statements"]) > 0
    assert work["rows"] == sum(s["rows"] for s in work["statements"])
    priorities = [s for s in work["statements"] if "outcomes_priority" in s["sql"]]
    # The most any returns: the three of this partnership, not the other's.
    assert max(s["rows"] for s in priorities) == 3


@pytest.mark.django_db
def test_page_work_refuses_a_page_that_does_not_answer():
    with pytest.raises(RuntimeError, match="answered 40"):
        scale.page_work("/api/v1/p/no-such-partnership/priorities/", {})


def test_ratio_interval_holds_the_ratio_and_narrows_with_agreeing_pairs():
    small = [100 + n % 7 for n in range(30)]
    doubled = [2 * s for s in small]
    low, high = scale._ratio_interval(small, doubled)
    assert low == high == 2

    noisy = [2 * s + (25 if n % 2 else -25) for n, s in enumerate(small)]
    low, high = scale._ratio_interval(small, noisy)
    assert low < 2 < high
    assert high - low < 0.5


def test_growing_statements_names_the_statement_whose_buffers_grow():
    def statements(*buffers):
        return {
            "statements": [
                {"sql": f"s{n}", "buffers": b, "rows": 3} for n, b in enumerate(buffers)
            ]
        }

    # 5 -> 15 grows 3x but by only 10 buffers; 200 -> 230 by 30 but 1.15x.
    base, more = statements(50, 5, 200, 50), statements(55, 15, 230, 400)
    grown = scale._growing_statements(base, more)
    assert grown == ["statement=3 buffers=50->400 rows=3->3 sql=s3"]
    fewer = statements(55)
    assert "not matched" in scale._growing_statements(base, fewer)[0]
