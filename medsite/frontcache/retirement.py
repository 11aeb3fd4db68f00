"""Retiring cached responses by key, durably.

Every cached response is stored with the keys it depends on and the generation read before it
was rendered. :func:`retire` raises the generation and records it against each key, in the
caller's transaction; a cached response is still good while none of its keys was retired after
it was rendered (:func:`retired_since`, one indexed query). What the cache itself holds, or
failed to be told, does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from medsite.frontcache.models import Generation, RetiredKey


def current_generation() -> int:
    """The generation now; read before rendering what will be stored under it."""
    value = Generation.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def retire(keys: Iterable[str]) -> int:
    """Retire ``keys`` in the current transaction; the new generation."""
    keys = sorted(set(keys))
    with transaction.atomic():
        # The row lock orders retirements: a later commit always carries a higher number.
        Generation.objects.select_for_update().get_or_create(pk=1)
        Generation.objects.filter(pk=1).update(value=F("value") + 1)
        generation = Generation.objects.values_list("value", flat=True).get(pk=1)
        RetiredKey.objects.bulk_create(
            [RetiredKey(key=key, generation=generation) for key in keys],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["generation"],
        )
    return generation


def retired_since(keys: Iterable[str], generation: int) -> bool:
    """Whether any of ``keys`` was retired after ``generation``.

    Asked on every cached read, so written as the one indexed query it is: the ORM's building of
    it cost as much as running it."""
    keys = list(keys)
    if not keys:
        return False
    table, quote = RetiredKey._meta.db_table, connection.ops.quote_name
    marks = ", ".join(["%s"] * len(keys))
    sql = (
        f"SELECT 1 FROM {quote(table)} WHERE {quote('key')} IN ({marks}) "  # noqa: S608 - names, marks
        f"AND {quote('generation')} > %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, generation])
        return cursor.fetchone() is not None
