"""Ids posted to the back office's many-to-many fields are numbers from the request too: every such field of every
registered admin refuses an id of any length with a message (SQLite raised OverflowError past 64 bits)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

IDS = ["99999999999999999999", "9" * 5000, "\u0663"]


def _many_to_many_fields():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("boss", "boss@example.org", "x")
    found = []
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request, model._default_manager.first())  # a change form where one exists
        found += [(model.__name__, name, field) for name, field in form.base_fields.items()
                  if isinstance(field, forms.ModelMultipleChoiceField)]
    return found


def test_every_many_to_many_field_of_the_back_office_refuses_ids_of_any_length(db):
    fields = _many_to_many_fields()
    assert {(model, name) for model, name, _f in fields} >= {("Item", "tags"), ("Item", "people"),
                                                             ("User", "groups"), ("Group", "permissions")}
    unbounded = []
    for model, name, field in fields:
        for pk in IDS:
            try:
                field.clean([pk])
            except forms.ValidationError:
                continue
            except Exception as exc:  # the server error this test is about, named with its field
                unbounded.append((model, name, pk[:20], type(exc).__name__))
            else:
                unbounded.append((model, name, pk[:20], "accepted"))
    assert unbounded == []
