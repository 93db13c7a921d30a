from __future__ import annotations

from typing import Any

from django import template

from newsreel.accounts.passwords import RULES

register = template.Library()


@register.inclusion_tag("accounts/includes/password_rules.html")
def password_rules(field_id: str = "id_password1") -> dict[str, Any]:
    return {"rules": RULES, "field_id": field_id}
