"""Text normalisation shared by indexing and querying: one implementation, so both backends index the same terms.

Pipeline for a word: NFKD, drop combining marks, case-fold, keep [a-z0-9] runs (so "défense" == "defense"),
then a Snowball stemmer per language on the unaccented form. Stemming the unaccented form (rather than the
accented original) is slightly coarser for French but guarantees that a query typed without accents stems
exactly like the indexed text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import unescape

import snowballstemmer

LANGS = ("en", "fr")
MAX_TOKEN_LENGTH = 40
_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]*>")
# NFKD does not split these ligatures; case-folding handles ß.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "ł": "l",
                            "Ł": "l", "ı": "i"})

# Small lists: words too common to help a search. Single letters cover French elisions (l', d', qu', n').
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an and are as at be been but by for from has have he her his i in into is it its of on or our "
        "she than that the their them they this those to was we were which who will with you your".split()
        + list("bcdefghjklmnopqrstuvwxyz")
    ),
    "fr": frozenset(
        "a au aux avec ce ces c d dans de des du elle en est et il ils j l la le les leur leurs lui m ma mais me "
        "mes n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te un une vos votre vous "
        "y".split()
        + list("bcefghikopruvwxz")
    ),
}
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "fr": snowballstemmer.stemmer("french")}


def fold(text: str) -> str:
    """Lower-case, accent-free text: 'Défense À Bruxelles' -> 'defense a bruxelles'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order (tokens longer than MAX_TOKEN_LENGTH are cut)."""
    return [word[:MAX_TOKEN_LENGTH] for word in _WORD.findall(fold(text))]


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """The stem of an already folded word; stopwords stem to '' (they are not indexed)."""
    if word in STOPWORDS[lang]:
        return ""
    if word.isdigit():
        return word
    return _STEMMERS[lang].stemWord(word)


def stems(text: str, lang: str) -> list[str]:
    return [s for s in (stem(word, lang) for word in words(text)) if s]


def strip_html(html: str) -> str:
    return unescape(_TAG.sub(" ", html))
