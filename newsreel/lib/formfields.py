"""Form fields shared by the apps' forms and the back office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from newsreel.media.numbers import is_whole_number


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with posted ids bounded before the query: `pk__in` with an id past 64 bits raises
    OverflowError on SQLite (a server error) instead of "not one of the choices"."""

    def clean(self, value: Any) -> Any:
        numeric = self.queryset is not None and isinstance(self.queryset.model._meta.pk, models.IntegerField)
        for pk in value if numeric and isinstance(value, list | tuple) else []:
            if not is_whole_number(str(pk)):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": str(pk)[:20]})
        return super().clean(value)


# For a ModelAdmin's formfield_overrides: every many-to-many field of its form bounded as above.
BOUNDED_MANY_TO_MANY: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.ManyToManyField: {"form_class": BoundedModelMultipleChoiceField}}
