"""The read-ahead thread keeps order and its bound, hands errors over, and stops when told."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator

import pytest

from newsreel.media.clip.prefetch import Prefetched


def test_items_arrive_in_order_and_all_of_them() -> None:
    with Prefetched((i for i in range(1000)), depth=7) as items:
        assert list(items) == list(range(1000))


def test_the_producer_stays_within_depth() -> None:
    made: list[int] = []

    def source() -> Generator[int, None, None]:
        for i in range(200):
            made.append(i)
            yield i

    taken, most_ahead = 0, 0
    with Prefetched(source(), depth=10) as items:
        for _ in items:
            taken += 1
            time.sleep(0.001)  # a slow consumer: the producer must wait, not run away
            most_ahead = max(most_ahead, len(made) - taken)
    assert taken == 200
    # At most 10 queued, plus the one the producer holds while it waits.
    assert most_ahead <= 11


def test_an_error_in_the_producer_is_raised_in_the_consumer() -> None:
    def source() -> Generator[int, None, None]:
        yield 1
        raise ValueError("damaged")

    with Prefetched(source(), depth=4) as items, pytest.raises(ValueError, match="damaged"):
        list(items)


def test_closing_early_stops_the_producer_and_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Generator[int, None, None]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    prefetched = Prefetched(endless(), depth=3)
    first = next(iter(prefetched))
    prefetched.close()
    assert first == 0
    assert closed.is_set()
    assert not prefetched._thread.is_alive()
