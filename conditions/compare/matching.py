"""Matching the items of two lists (sections, short answers, references) and telling which moved."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

Keyer = Callable[[Any], Hashable | None]


def pair(old: Sequence, new: Sequence, keyers: Sequence[Keyer]) -> dict[int, int]:
    """Old index -> new index of matched items, trying each keyer in turn on what is left."""
    pairs: dict[int, int] = {}
    for keyer in keyers:
        taken = set(pairs.values())
        free: dict[Hashable, deque[int]] = defaultdict(deque)
        for j, item in enumerate(new):
            key = keyer(item)
            if j not in taken and key is not None:
                free[key].append(j)
        for i, item in enumerate(old):
            key = keyer(item)
            if i not in pairs and key is not None and free.get(key):
                pairs[i] = free[key].popleft()
    return pairs


def kept_order(pairs: Mapping[int, int]) -> set[int]:
    """Old indices of the largest set of matched items still in the same order; the rest moved.

    A longest increasing subsequence, so adding or removing an item does not count its
    neighbours as moved. Quadratic, which is fine for the tens of items a page has.
    """
    olds = sorted(pairs)
    chains: list[list[int]] = []
    for k, i in enumerate(olds):
        before = (chains[m] for m in range(k) if pairs[olds[m]] < pairs[i])
        chains.append([*max(before, key=len, default=[]), i])
    longest: list[int] = max(chains, key=len, default=[])
    return set(longest)


def rows(old_count: int, new_count: int, pairs: Mapping[int, int]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) rows in the new order, each removed item after its old predecessor."""
    old_of = {j: i for i, j in pairs.items()}
    order: list[tuple[int | None, int | None]] = [(old_of.get(j), j) for j in range(new_count)]
    for i in range(old_count):
        if i in pairs:
            continue
        position = 0 if i == 0 else next(n for n, (o, _) in enumerate(order) if o == i - 1) + 1
        order.insert(position, (i, None))
    return order
