"""French wording and typography of the compiled catalogues (.mo files are committed, so they are what runs)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.utils.translation import trans_real

import newsreel

OWN_CATALOGUES = sorted(Path(newsreel.__file__).parent.glob("**/locale/fr/LC_MESSAGES/django.mo"))
# One term: "adresse e-mail" / "e-mail", never "courriel" nor "adresse électronique".
SYNONYMS = re.compile(r"courriel|adresse(s)? (é|e)lectronique|adresse mail\b", re.IGNORECASE)
# French puts a (no-break) space before : ; ? ! — none glued to a word, none an ordinary breaking space.
GLUED = re.compile(r"[\w»)’][;?!](?=\s|$)|[^\W\d][:](?=\s|$)")
BREAKING = re.compile(r"\w [:;?!](?=\s|$)")


def _own_messages() -> list[tuple[str, str, str]]:
    found = []
    for path in OWN_CATALOGUES:
        with path.open("rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        found += [(str(path), str(k), v) for k, v in catalog.items() if k and isinstance(v, str)]
    return found


def test_own_french_catalogues_are_compiled_and_found():
    assert len(OWN_CATALOGUES) >= 5
    assert len(_own_messages()) > 300


def test_french_strings_put_a_no_break_space_before_high_punctuation():
    wrong = [(path, v) for path, _k, v in _own_messages()
             if GLUED.search(re.sub(r"https?://\S+|%\(\w+\)s|\d+:\d+", "", v)) or BREAKING.search(v)]
    assert wrong == []


@pytest.mark.parametrize("source", ["own", "merged"])
def test_french_uses_one_term_for_e_mail(source):
    if source == "own":
        texts = [v for _p, _k, v in _own_messages()]
    else:  # what pages show, Django's and allauth's strings included, after the portal's overrides
        catalog = trans_real.translation("fr")._catalog
        texts = [catalog[k] for k in {k for k, _v in catalog.items()} if isinstance(catalog[k], str) and k]
    assert [t for t in texts if SYNONYMS.search(t)] == []


def test_labels_followed_by_a_colon_translate_the_colon():
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Credit:") == "Crédit\u00a0:"
        assert translation.gettext("Location:").endswith("\u00a0:")
