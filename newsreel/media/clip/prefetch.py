"""Running a generator ahead of its consumer in a thread of its own, within a bound.

PyAV releases the GIL while it demuxes, decodes and encodes, so reading the next packets or decoding the
next frames in another thread overlaps the consumer's own work (muxing, encoding) on a second core.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Generator, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Prefetched(Generic[T]):
    """The items of `source`, produced from the moment this is made, at most `depth` items ahead of the
    consumer. The producer's exception is raised in the consumer. `close()` stops the producer and closes
    `source`, taken to the end or not.
    """

    def __init__(self, source: Generator[T, None, None], *, depth: int, name: str = "prefetch") -> None:
        self._source, self._depth = source, depth
        self._items: deque[T] = deque()
        self._finished = False
        self._error: BaseException | None = None
        self._stopped = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._produce, name=name, daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        try:
            for item in self._source:
                with self._changed:
                    while len(self._items) >= self._depth and not self._stopped:
                        self._changed.wait()
                    if self._stopped:
                        return
                    self._items.append(item)
                    self._changed.notify_all()
        except BaseException as exc:
            self._error = exc
        finally:
            self._source.close()  # releases the file now, not whenever the generator is collected
            with self._changed:
                self._finished = True
                self._changed.notify_all()

    def __iter__(self) -> Iterator[T]:
        while True:
            with self._changed:
                while not self._items and not self._finished:
                    self._changed.wait()
                if self._items:
                    item = self._items.popleft()
                    self._changed.notify_all()
                elif self._error is not None:
                    raise self._error
                else:
                    return
            yield item

    def close(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._thread.join()

    def __enter__(self) -> Prefetched[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
