"""The portal's password policy, exactly as the forms state it.

Character classes are defined by Unicode category so that the browser check (static/accounts/password.js, with
`\\p{...}` classes) and this server check agree: a letter like "É" is upper-case, "€" or "¿" is a symbol.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_zxcvbn_password_validator import ZxcvbnPasswordValidator
from zxcvbn import zxcvbn

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

MIN_LENGTH = 12
# Long enough for any passphrase, short enough that hashing it costs nothing; never silently cut.
MAX_LENGTH = 128


def _category(char: str) -> str:
    return unicodedata.category(char)


def is_space(char: str) -> bool:
    return char.isspace() or _category(char).startswith("Z")


def is_symbol(char: str) -> bool:
    """Printable and neither a letter, a number nor a space: punctuation, symbols and marks (P*, S*, M*)."""
    return _category(char)[0] in "PSM"


@dataclass(frozen=True)
class Rule:
    code: str
    statement: str | StrPromise
    error: str | StrPromise
    broken: Callable[[str], bool]


RULES: tuple[Rule, ...] = (
    Rule("too_short", _("At least 12 characters"), _("Use at least 12 characters."),
         lambda pw: len(pw) < MIN_LENGTH),
    Rule("too_long", _("At most 128 characters"), _("Use at most 128 characters."),
         lambda pw: len(pw) > MAX_LENGTH),
    Rule("has_space", _("No spaces"), _("Do not use spaces."),
         lambda pw: any(is_space(c) for c in pw)),
    Rule("no_upper", _("At least one upper-case letter"), _("Add an upper-case letter."),
         lambda pw: not any(_category(c) == "Lu" for c in pw)),
    Rule("no_lower", _("At least one lower-case letter"), _("Add a lower-case letter."),
         lambda pw: not any(_category(c) == "Ll" for c in pw)),
    Rule("no_digit", _("At least one digit"), _("Add a digit."),
         lambda pw: not any(_category(c) == "Nd" for c in pw)),
    Rule("no_symbol", _("At least one symbol, such as ! # % & * ? @ or €"),
         _("Add a symbol, such as ! # % & * ? @ or €."),
         lambda pw: not any(is_symbol(c) for c in pw)),
)


def unmet_rules(password: str) -> list[Rule]:
    return [rule for rule in RULES if rule.broken(password)]


def meets_policy(password: str) -> bool:
    return not unmet_rules(password)


class PortalPasswordPolicy:
    """Django password validator raising one error per unmet rule, so the form lists all of them at once."""

    def validate(self, password: str, user: Any = None) -> None:
        errors = [ValidationError(rule.error, code=rule.code) for rule in unmet_rules(password)]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return "; ".join(str(rule.statement) for rule in RULES)

    def get_error_message(self) -> str:
        return self.get_help_text()


def personal_values(user: Any) -> list[str]:
    """The user's e-mail address (and its parts) and full name: what a password must not resemble."""
    values: list[str] = []
    email = getattr(user, "email", "") or ""
    profile = getattr(user, "profile", None) if getattr(user, "pk", None) else None
    full_name = getattr(profile, "full_name", "") or getattr(user, "first_name", "") or ""
    for value in (email, full_name, getattr(user, "last_name", "") or ""):
        value = value.strip().lower()
        if value:
            values.append(value)
            values.extend(part for part in re.split(r"\W+", value) if len(part) >= 3)
    return values


class PersonalDataSimilarityValidator:
    """Rejects passwords containing or closely resembling the user's name or e-mail address."""

    max_similarity = 0.7

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for value in personal_values(user):
            contained = len(value) >= 4 and value in lowered
            if contained or (SequenceMatcher(a=lowered, b=value).quick_ratio() >= self.max_similarity
                             and SequenceMatcher(a=lowered, b=value).ratio() >= self.max_similarity):
                raise ValidationError(
                    _("Do not use your name or e-mail address, or something close to them."),
                    code="password_too_similar",
                )

    def get_help_text(self) -> str:
        return str(_("Not close to your name or e-mail address"))


# zxcvbn refuses longer input (its matching grows fast with length); the portal allows 128 characters.
ZXCVBN_MAX_LENGTH = 72


def _estimate(password: str, user_inputs: list[Any] | None = None) -> dict[str, Any]:
    # Past 72 characters the guess count only grows, so judging the first 72 is the conservative reading.
    return zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=user_inputs)


class PasswordStrengthValidator(ZxcvbnPasswordValidator):
    """Refuses passwords that zxcvbn estimates guessable in fewer than 10^10 tries (PASSWORD_MINIMAL_STRENGTH).

    zxcvbn matches, offline, the 30,000 most frequent passwords of public breaches, English words, names, TV and
    film words, keyboard rows, sequences, repeats, dates and years, with capitals, l33t substitutions and
    reversals, plus the user's own details and PASSWORD_EXTRA_DICTIONARY (the site's names). So
    "Password123!" meets the composition rules and is still refused. Its messages come in English and French.
    """

    def __init__(self) -> None:
        super().__init__(zxcvbn_implementation=_estimate)

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError([ValidationError(message, code="password_too_guessable")
                                   for message in exc.messages]) from None

    def get_help_text(self) -> str:
        return str(_("Hard to guess: not a common or breached password, nor a word with digits and symbols added"))
