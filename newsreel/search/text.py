"""Text normalisation shared by indexing and querying: one implementation, so both backends index the same terms.

Pipeline for a word: NFC, case-fold, split into letter-and-digit runs, then a Snowball stemmer per language; the
French one reads the word *with its accents*, and only then are accents folded away (so "défense" == "defense" in
the index). French suffix rules are written for accented words: folding first made "déployées" stem to "deploye"
while "déployer" stemmed to "deploi", so verbs and their participles never met. (English is folded first: its
stemmer knows no accents.) A query typed without accents is
stemmed the same way; for the verbs' infinitives that gives the same stem ("deployer" -> "deploi").

Letter-number designations ("F-35", "MQ-9", "COVID-19") are one word: "F-35" is "f35", never "f" (a stopword)
plus "35". The index also keeps the parts, before the whole, so that "35" still finds "F-35" and "F-35 fighters"
remains a phrase.
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
# A letter-number designation (letters, a hyphen of any kind, then a run starting with a digit), else any run of
# letters and digits. The first alternative wins where both could match.
_RUN = re.compile(r"([^\W\d_]+)[-\u2010\u2011\u2012\u2013]([0-9][^\W_]*)(?![^\W_])|[^\W_]+")
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
# The French stemmer's rules read accents; the English one takes "é" for a consonant ("négociations" would stem
# to "negociat", not "negoci" as "negociations" does), so English words are folded first, as typed queries are.
_STEM_WITH_ACCENTS = {"en": False, "fr": True}


def fold(text: str) -> str:
    """Lower-case, accent-free text: 'Défense À Bruxelles' -> 'defense a bruxelles'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _lower(text: str) -> str:
    """Lower-case with accents kept, composed (the stemmers know "é", not "e" plus a combining accent)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text.translate(_LIGATURES)).casefold()


def tokens(text: str, *, index: bool = False) -> list[tuple[str, str]]:
    """(word as written but lower-case, folded word) pairs, in order; `index` adds designations' parts."""
    found: list[tuple[str, str]] = []
    for match in _RUN.finditer(_lower(text)):
        if match.group(1) is not None:
            letters, number = match.group(1), match.group(2)
            if index:
                found += _folded(letters) + _folded(number)
            found += _folded(letters + number)
        else:
            found += _folded(match.group())
    return found


def _folded(raw: str) -> list[tuple[str, str]]:
    folded = fold(raw)
    if _WORD.fullmatch(folded):
        return [(raw[:MAX_TOKEN_LENGTH], folded[:MAX_TOKEN_LENGTH])]
    # Folding split or dropped something (other scripts, symbols): keep the ASCII runs, as plain words.
    return [(part[:MAX_TOKEN_LENGTH], part[:MAX_TOKEN_LENGTH]) for part in _WORD.findall(folded)]


def words(text: str) -> list[str]:
    """The folded words of a query or text, in order (tokens longer than MAX_TOKEN_LENGTH are cut)."""
    return [word for _raw, word in tokens(text)]


def index_words(text: str) -> list[str]:
    """The folded words the index holds for a text: as `words`, plus each designation's parts before it."""
    return [word for _raw, word in tokens(text, index=True)]


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """The accent-free stem of a word (accents kept or not, any case); stopwords stem to '' (not indexed)."""
    folded = fold(word)
    if folded in STOPWORDS[lang]:
        return ""
    if folded.isdigit():
        return folded
    if _STEM_WITH_ACCENTS[lang]:
        return fold(_STEMMERS[lang].stemWord(_lower(word)))
    return _STEMMERS[lang].stemWord(folded)


def stems(text: str, lang: str) -> list[str]:
    """The stems the index holds for a text in one language."""
    return [s for s in (stem(raw, lang) for raw, _word in tokens(text, index=True)) if s]


@lru_cache(maxsize=200_000)
def typed_stem(word: str, lang: str) -> str:
    """The stem of the word as if typed without accents: how a query like "securite" stems."""
    return stem(fold(word), lang)


def unaccented_stems(text: str, lang: str) -> list[str]:
    """The stems a query typed without accents would look for, where they differ from `stems` (each once).

    Stemming with accents moved some stems away from what an unaccented query gives ("sécurité" stems to
    "secur", "securite" to "securit"); the index keeps these too, after the text, so both ways of typing find it.
    """
    seen: set[str] = set()
    found: list[str] = []
    for raw, _word in tokens(text, index=True):
        accented, plain = stem(raw, lang), typed_stem(raw, lang)
        if plain and plain != accented and plain not in seen:
            seen.add(plain)
            found.append(plain)
    return found


def strip_html(html: str) -> str:
    return unescape(_TAG.sub(" ", html))
