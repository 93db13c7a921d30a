from __future__ import annotations

import pytest

from newsreel.search.text import fold, index_words, stem, stems, words


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


# --- Verbs and their participles (issue #14, point 10) -------------------------------------------------------------
# Each family: an infinitive, then inflected forms (participles above all) a search for it must find. Accents were
# folded before the French stemmer, which then read "déployées" as "deployees" and stemmed it elsewhere.
FAMILIES = {
    "fr": [
        ["déployer", "déployées", "déployé", "déployés", "déploie", "déploiement"],
        ["négocier", "négocié", "négociée", "négociés", "négociées", "négociations"],
        ["signer", "signée", "signé", "signés", "signées"],
        ["créer", "créé", "créée", "créés", "créées"],
        ["protéger", "protégé", "protégée", "protégées"],
        ["décider", "décidé", "décidée", "décidées"],
        ["préparer", "préparé", "préparée", "préparés"],
        ["accélérer", "accéléré", "accélérée"],
        ["réunir", "réunis", "réunie", "réunies"],
        ["renforcer", "renforcé", "renforcée", "renforcées"],
    ],
    "en": [
        ["deploy", "deployed", "deploying", "deploys", "deployment"],
        ["negotiate", "negotiated", "negotiating", "negotiates"],
        ["sign", "signed", "signing", "signs"],
        ["protect", "protected", "protecting", "protects"],
        ["decide", "decided", "deciding", "decides"],
        ["strengthen", "strengthened", "strengthening"],
    ],
}


@pytest.mark.parametrize(("lang", "family"), [(lang, family) for lang, families in FAMILIES.items()
                                               for family in families], ids=lambda v: v if isinstance(v, str)
                         else v[0])
def test_every_form_of_a_word_family_shares_the_infinitives_stem(lang, family):
    assert {form: stems(form, lang) for form in family} == {form: stems(family[0], lang) for form in family}


@pytest.mark.parametrize(("query", "text"), [
    ("déployer", "troupes déployées"), ("négocier", "accord négocié"), ("signer", "déclaration signée"),
    ("deployer", "troupes déployées"), ("negocier", "accord négocié"), ("signer", "Déclaration SIGNÉE"),
])
def test_a_french_verb_finds_its_participle_typed_with_or_without_accents(query, text):
    assert set(stems(query, "fr")) <= set(stems(text, "fr"))


def test_stemming_comes_before_folding_but_terms_are_still_accent_free():
    assert stems("troupes déployées", "fr") == ["troup", "deploi"]
    assert all(term.isascii() for term in stems("Sécurité, défense et négociations à Bruxelles", "fr"))


# --- Letter-number tokens (issue #14, point 11) ------------------------------------------------------------------
def test_letter_number_designations_stay_whole_in_queries():
    assert words("F-35A and MQ-9 over Su-57, COVID-19 or A400M") == [
        "f35a", "and", "mq9", "over", "su57", "covid19", "or", "a400m"]
    assert words("F-35") == words("f35") == words("F‑35")  # a non-breaking hyphen too


def test_the_index_keeps_the_whole_designation_after_its_parts():
    # Parts first, whole last: "35" still finds the text, and "F-35 fighters" stays a phrase.
    assert index_words("F-35 fighters") == ["f", "35", "f35", "fighters"]
    assert index_words("2024-2025") == ["2024", "2025"]  # number ranges are not designations


def test_the_index_also_keeps_the_stems_of_unaccented_typing_after_the_text():
    from newsreel.search.text import unaccented_stems

    assert stems("La sécurité", "fr") == ["secur"]
    assert unaccented_stems("La sécurité", "fr") == ["securit"]  # what "securite" typed bare stems to
    assert unaccented_stems("Bruxelles", "fr") == [] and unaccented_stems("négociations", "en") == []


def test_snippets_mark_a_designation_whole():
    from newsreel.search.query import parse
    from newsreel.search.snippets import Matcher, highlight

    marked = highlight("Two F-35 fighters and resolution 35", Matcher(parse("F-35 ").clauses))
    assert str(marked) == "Two <mark>F-35</mark> fighters and resolution 35"
