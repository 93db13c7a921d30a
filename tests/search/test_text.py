from __future__ import annotations

import pytest

from newsreel.search.text import fold, stem, stems, words


@pytest.mark.parametrize(("a", "b", "lang"), [
    ("négociations", "négociation", "fr"),
    ("negociations", "Négociation", "fr"),
    ("dépenses", "depense", "fr"),
    ("défense", "DEFENSE", "fr"),
    ("Bruxelles", "bruxelles", "fr"),
    ("spending", "spend", "en"),
    ("negotiations", "negotiation", "en"),
    ("exercises", "exercise", "en"),
    ("defense", "défense", "en"),
])
def test_inflections_accents_and_case_share_a_stem(a, b, lang):
    assert stems(a, lang) == stems(b, lang)


def test_fold_removes_accents_ligatures_and_case():
    assert fold("Défense Œuvre À BRUXELLES ß") == "defense oeuvre a bruxelles ss"


def test_words_split_on_punctuation_and_elisions():
    assert words("l'Alliance: 2024-2025, « sommet »") == ["l", "alliance", "2024", "2025", "sommet"]


def test_stopwords_and_elided_articles_are_not_indexed():
    assert stems("Les dépenses de la défense", "fr") == ["depens", "defens"]
    assert stems("the spending of the allies", "en") == ["spend", "alli"]
    assert stem("l", "fr") == ""


def test_long_tokens_are_cut():
    assert len(words("a" * 500)[0]) == 40
