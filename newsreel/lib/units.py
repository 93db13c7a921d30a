"""Units of work: one transaction in which follow-up work on changed rows is gathered and done once, at its end.

Signal receivers (the search index) hear of every row a write touches: saving an item with ten shotlist lines,
its tags and its people is a dozen signals about one item. A receiver hands the ids it cares about to
`collect()`. Outside a unit the work runs at once, inside the caller's transaction. Inside a unit the ids are
gathered per name and the work runs once per name at the end of the unit, still inside its transaction, so the
result commits (or rolls back) with the content.

Why the end of a unit and not the moment before COMMIT: Django has no pre-commit hook, and the outermost
transaction is not always the caller's (a test, a management command or a view may have opened it), so "just
before COMMIT" could be long after the content changed, with reads in between seeing a stale index. A unit is
opened by code that knows its write is one operation: an admin form save, a service function.

The work re-derives what it writes from what is stored at the time it runs, so a savepoint rolled back inside
the unit, or an id collected twice, cannot leave a wrong result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

Work = Callable[[set[int]], None]


@dataclass
class _Pending:
    ids: dict[str, set[int]] = field(default_factory=dict)
    work: dict[str, Work] = field(default_factory=dict)

    def run(self) -> None:
        # Work may collect more (indexing one thing may touch another): keep going until nothing is left.
        while self.ids:
            name = next(iter(self.ids))
            ids = self.ids.pop(name)
            self.work[name](ids)


_current: ContextVar[_Pending | None] = ContextVar("newsreel_unit", default=None)


@contextmanager
def unit_of_work(using: str | None = None) -> Iterator[None]:
    """A transaction (or savepoint) whose collected work runs once, just before it ends. Units nest: an inner
    unit joins the outer one, whose end is the single place the work runs."""
    with transaction.atomic(using=using):
        if _current.get() is not None:
            yield
            return
        pending = _Pending()
        token = _current.set(pending)
        try:
            yield
            pending.run()
        finally:
            _current.reset(token)


def collect(name: str, ids: Iterable[int], work: Work) -> None:
    """Run `work(ids)` now, or at the end of the open unit with every id collected under `name` by then."""
    ids = {pk for pk in ids if pk is not None}
    pending = _current.get()
    if pending is None:
        if ids:
            work(ids)
        return
    if ids:
        pending.ids.setdefault(name, set()).update(ids)
        pending.work[name] = work


def in_unit() -> bool:
    return _current.get() is not None
