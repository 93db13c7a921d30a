"""The whole forgotten-password journey in a real browser, from an item page and back, in both languages."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model

from tests.accounts.mail import code_in, mail_to
from tests.factories import make_item, make_member

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Fresh-Start-2026!"
TEXTS = {
    "en": {"code_page": "Enter your code", "wait": "Please wait", "new_code": "We sent a new code",
           "rule_digit": "Add a digit.", "rule_symbol": "Add a symbol",
           "rule_length": "Use at least 12 characters.", "rule_upper": "Add an upper-case letter.",
           "account": "My account"},
    "fr": {"code_page": "Saisissez votre code", "wait": "Veuillez patienter",
           "new_code": "Nous avons envoyé un nouveau code",
           "rule_digit": "Ajoutez un chiffre.", "rule_symbol": "Ajoutez un symbole",
           "rule_length": "Utilisez au moins 12 caractères.", "rule_upper": "Ajoutez une lettre majuscule.",
           "account": "Mon compte"},
}


def submit(page) -> None:
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_forgotten_password_journey_from_an_item_page_and_back(site, page, smtp, settings, lang):
    settings.NEWSREEL_RESET_CODE_RESEND_COOLDOWN = 2
    text = TEXTS[lang]
    member = make_member(password="Old-password-2025!", language=lang)
    item = make_item(title_en="Summit arrival", title_fr="Arrivée au sommet")
    item_url = f"/{lang}/media/{item.reference}/"

    page.goto(site.url + item_url)
    assert page.locator("html").get_attribute("lang") == lang
    page.click("#sign-in-link")
    page.click("#forgot-password")
    page.fill("input[name=email]", member.email)
    submit(page)
    assert text["code_page"] in page.content()
    first = code_in(mail_to(smtp, member.email))

    page.click("#resend-code")  # too soon: the cooldown holds
    assert text["wait"] in page.content()
    time.sleep(2.1)
    page.click("#resend-code")
    assert text["new_code"] in page.content()
    second = code_in(mail_to(smtp, member.email, 2))
    assert second != first

    page.fill("input[name=code]", first)
    submit(page)
    assert page.locator(".errorlist").count() == 1  # the old code is refused
    page.fill("input[name=code]", second)
    submit(page)

    page.fill("#id_password1", "abc")  # the browser checks the rules while typing
    assert page.locator('li[data-rule="no_digit"]').get_attribute("data-state") == "unmet"
    assert page.locator('li[data-rule="no_lower"]').get_attribute("data-state") == "met"
    page.fill("#id_password2", "abc")
    submit(page)
    errors = page.locator("#id_password1_errors").inner_text()
    for key in ("rule_length", "rule_upper", "rule_digit", "rule_symbol"):
        assert text[key] in errors

    page.fill("#id_password1", NEW_PASSWORD)
    assert page.locator('li[data-state="unmet"]').count() == 0
    page.fill("#id_password2", NEW_PASSWORD)
    submit(page)
    assert mail_to(smtp, member.email, 3)  # the "your password was changed" notice

    page.click("#back-to-page")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    submit(page)
    assert re.sub(r"^https?://[^/]+", "", page.url) == item_url
    assert text["account"] in page.locator("header").inner_text()
    assert get_user_model().objects.get(pk=member.pk).check_password(NEW_PASSWORD)
    assert not [e for e in page.errors if "Content Security Policy" in e]
