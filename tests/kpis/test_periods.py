import datetime

import pytest

from kpis.periods import Quarter, year_label


@pytest.mark.parametrize(
    ("day", "start_month", "label", "starts", "ends"),
    [
        # Academic year from September.
        (datetime.date(2024, 9, 1), 9, "2024/25 Q1", "2024-09-01", "2024-11-30"),
        (datetime.date(2025, 1, 15), 9, "2024/25 Q2", "2024-12-01", "2025-02-28"),
        (datetime.date(2025, 8, 31), 9, "2024/25 Q4", "2025-06-01", "2025-08-31"),
        # Financial year from April.
        (datetime.date(2025, 3, 31), 4, "2024/25 Q4", "2025-01-01", "2025-03-31"),
        (datetime.date(2025, 7, 1), 4, "2025/26 Q2", "2025-07-01", "2025-09-30"),
        # Calendar year.
        (datetime.date(2024, 12, 31), 1, "2024 Q4", "2024-10-01", "2024-12-31"),
    ],
)
def test_quarter_containing_a_day(day, start_month, label, starts, ends):
    quarter = Quarter.containing(day, start_month)
    assert quarter.label == label
    assert quarter.starts_on.isoformat() == starts
    assert quarter.ends_on.isoformat() == ends


def test_quarters_step_across_year_ends():
    q4 = Quarter(2024, 4, 9)
    assert q4.next() == Quarter(2025, 1, 9)
    assert q4.next().previous() == q4
    assert [q.label for q in Quarter(2025, 2, 4).back(3)] == [
        "2024/25 Q4",
        "2025/26 Q1",
        "2025/26 Q2",
    ]


def test_year_label_across_a_century():
    assert year_label(2099, 9) == "2099/00"


def test_quarter_rejects_nonsense():
    with pytest.raises(ValueError):
        Quarter(2024, 5, 9)
    with pytest.raises(ValueError):
        Quarter(2024, 1, 13)


@pytest.mark.parametrize("start_month", [1, 4, 9])
def test_quarter_key_round_trips(start_month):
    quarter = Quarter(2024, 3, start_month)
    assert quarter.key == "2024-3"
    assert Quarter.parse_key(quarter.key, start_month) == quarter


@pytest.mark.parametrize(
    "key",
    ["", "2024", "2024-5", "2024-0", "24-1", "2024-1-1", " 2024-1", "abcd-1", None],
)
def test_quarter_parse_key_refuses_anything_else_with_a_clear_message(key):
    with pytest.raises(ValueError, match="YYYY-Q"):
        Quarter.parse_key(key, 9)
