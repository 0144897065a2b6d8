"""A memo that forgets everything once full: name resolutions recur task after task, and a bulk load of a
whole archive must not keep every one of them."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

CAP = 50_000  # a 100× corpus names about this many distinct unit lists


class BoundedMemo(Generic[V]):
    def __init__(self, cap: int = CAP) -> None:
        self._cap = cap
        self._found: dict[Hashable, V] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self._cap:
                self._found.clear()
            found = self._found[key] = make()
        return found
