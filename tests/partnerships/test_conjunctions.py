"""Welsh "and": "ac" before a vowel, "a" before a consonant, and c, p, t apart."""

import pytest

from partnerships.conjunctions import (
    AND_BEFORE_C_P_T,
    AND_BEFORE_CONSONANT,
    AND_BEFORE_VOWEL,
    welsh_and,
)


@pytest.mark.parametrize(
    "following",
    ["Oedran", "ethnigrwydd", "Ardal", "ysgol", "Ŵyr", "Âr", "Incwm", "un", "wedyn"],
)
def test_a_vowel_takes_ac(following):
    assert welsh_and(following) == AND_BEFORE_VOWEL


@pytest.mark.parametrize("following", ["mae", "Mewn", "fel", "felly", "wrth"])
def test_the_words_that_take_ac_though_they_begin_with_a_consonant(following):
    assert welsh_and(following) == AND_BEFORE_VOWEL


@pytest.mark.parametrize(
    "following", ["Rhyw", "Grŵp oedran", "Wrecsam", "Ch3", "Ffordd", "hefyd", "Theatr"]
)
def test_a_consonant_takes_a(following):
    assert welsh_and(following) == AND_BEFORE_CONSONANT


@pytest.mark.parametrize("following", ["Categori", "plant", "Tai", "“Cymuned”"])
def test_c_p_and_t_are_told_apart_for_the_mutation_a_name_cannot_take(following):
    assert welsh_and(following) == AND_BEFORE_C_P_T


@pytest.mark.parametrize(
    ("following", "expected"),
    [
        ("8", AND_BEFORE_VOWEL),  # wyth
        ("80 oed", AND_BEFORE_VOWEL),  # wyth deg
        ("1", AND_BEFORE_VOWEL),  # un
        ("11", AND_BEFORE_VOWEL),  # un deg un
        ("10", AND_BEFORE_CONSONANT),  # deg
        ("3", AND_BEFORE_CONSONANT),  # tri: digits are not mutated in writing
        ("100", AND_BEFORE_CONSONANT),  # cant
    ],
)
def test_a_number_by_its_first_spoken_word(following, expected):
    assert welsh_and(following) == expected


def test_nothing_to_follow_is_a_consonant():
    assert welsh_and("") == AND_BEFORE_CONSONANT
    assert welsh_and("—") == AND_BEFORE_CONSONANT
