"""Joining data with "and" in a sentence that reads right in Welsh.

Welsh writes "and" as "ac" before a vowel and as "a" before a consonant, and
"a" causes the aspirate mutation of a following c, p or t ("a chategori").
A name that comes from data (a breakdown, a category, a quarter) cannot be
mutated, so a sentence that puts one after "and" has three versions, one per
way the name begins: the same English msgid with one of the contexts below.
The Welsh translator writes "ac" in the first, "a" in the second, and in the
third a wording that keeps the name away from "a" ("ac yn ôl %(b)s").

    if welsh_and(b) == AND_BEFORE_VOWEL:
        text = pgettext("and before a vowel", "Breakdown by %(a)s and %(b)s")
    elif ...

(the context written out in each call: makemessages reads only literals).

Each msgid's translator comment says the same, so a translator who meets
one of them in the catalogue sees why there are three.
"""

import re
import unicodedata

# pgettext contexts, one per way the following name begins.
AND_BEFORE_VOWEL = "and before a vowel"
AND_BEFORE_CONSONANT = "and before a consonant"
AND_BEFORE_C_P_T = "and before c, p or t"

VOWELS = "aeiouwy"
# Words that take "ac" though they begin with a consonant.
AC_WORDS = frozenset({"mae", "mai", "meddai", "megis", "mewn", "fel", "felly"})
# "w" before r, l or n is a consonant (mutated "gwr-", "gwl-", "gwn-": "a
# Wrecsam"), but "wrth" takes "ac".
CONSONANT_W = re.compile(r"w[rln]")
FIRST_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _plain(text: str) -> str:
    """Lower case, without accents (ŵ -> w, â -> a)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _number_takes_ac(digits: str) -> bool:
    """Whether the number's first spoken Welsh word begins with a vowel:
    "un" (1, and 11 to 19 as "un deg ...") or "wyth" (8, 80s, 800s...).
    Digits are never mutated in writing, so only "ac" or "a" matters."""
    if digits.startswith("8"):
        return True
    return digits == "1" or (len(digits) == 2 and digits[0] == "1" and digits != "10")


def welsh_and(following: str) -> str:
    """Which "and" Welsh writes before ``following``: one of the contexts
    AND_BEFORE_VOWEL, AND_BEFORE_CONSONANT or AND_BEFORE_C_P_T."""
    match = FIRST_WORD.search(following or "")
    if not match:
        return AND_BEFORE_CONSONANT
    word = _plain(match.group())
    if word[0].isdigit():
        digits = re.match(r"\d+", word).group()
        return AND_BEFORE_VOWEL if _number_takes_ac(digits) else AND_BEFORE_CONSONANT
    if word in AC_WORDS or word == "wrth":
        return AND_BEFORE_VOWEL
    if word[0] in VOWELS and not CONSONANT_W.match(word):
        return AND_BEFORE_VOWEL
    if word[0] in "cpt" and word[:2] not in ("ch", "ph", "th"):
        return AND_BEFORE_C_P_T
    return AND_BEFORE_CONSONANT
