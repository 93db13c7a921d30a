"""What content models tell the rest of the site about their writes, without knowing who listens.

Django sends `post_save`, `post_delete` and `m2m_changed`; two gaps are filled here:

- `Model.save()` in autocommit mode commits the row before `post_save` runs, so a receiver would write in a
  transaction of its own. `AtomicSave` keeps the save and its signal in one transaction.
- `QuerySet.update()` sends no signal at all. `SignalledUpdates.update()` sends `rows_updated` with the ids of
  the rows it changed, in the transaction of the update.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

# Sent by SignalledUpdates.update() with sender=<model class> and ids=<list of primary keys>.
rows_updated = Signal()


class AtomicSave(models.Model):
    """A save whose `post_save` receivers commit (or roll back) with the row."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)


class SignalledUpdates(models.QuerySet[Any]):
    """Bulk edits (admin actions, scripts, `bulk_update`) announce the rows they changed."""

    def update(self, **kwargs: Any) -> int:
        if not rows_updated.has_listeners(self.model):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows_updated.send(sender=self.model, ids=ids)
        return count
