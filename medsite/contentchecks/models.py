"""PlainTerm: the list of medical terms with plainer alternatives that the content checks mark."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

from medsite.contentchecks.terms import MAX_TERM_WORDS, Term, forget_terms, term_words
from medsite.contentchecks.text import WORD
from medsite.validators import validate_lines, validate_single_line


def validate_term(value: str) -> None:
    """A term is words separated by spaces: what the matcher can find (medsite/contentchecks/terms.py)."""
    found = WORD.findall(value or "")
    if not found:
        raise ValidationError("Write a word or a phrase.", code="empty")
    if " ".join(found) != " ".join((value or "").split()):
        raise ValidationError(
            "Use only letters, digits, spaces, hyphens and apostrophes: a term is found as written, "
            "word for word, so brackets or other marks would never match.",
            code="characters",
        )
    if len(found) > MAX_TERM_WORDS:
        raise ValidationError(
            "A term may be at most %(most)d words long.", code="too_long", params={"most": MAX_TERM_WORDS}
        )


def _changed() -> None:
    # At once, for the rest of this request; and once the change is committed, for every process
    # (one that rebuilt its list in between read the rows as they were before).
    forget_terms()
    transaction.on_commit(forget_terms)


class PlainTermQuerySet(models.QuerySet):
    """Changes in bulk (the admin's "delete selected") also tell the matchers the list changed."""

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        _changed()
        return result

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        _changed()
        return count

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[PlainTerm]:
        created = super().bulk_create(*args, **kwargs)
        _changed()
        return created


class PlainTerm(models.Model):
    """A word or phrase patients may not know, with plainer ways to say it: the content checks
    mark it wherever a page uses it, with these suggestions."""

    term = models.CharField(
        max_length=100,
        validators=[validate_single_line, validate_term],
        help_text=(
            f"A word or phrase of up to {MAX_TERM_WORDS} words, such as “myocardial infarction”. It is "
            "found as a whole word or phrase, in any case, singular or plural."
        ),
    )
    alternatives = models.TextField(
        validators=[validate_lines],
        help_text="Plainer words to use instead, one per line, the best first, such as “heart attack”.",
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text="Optional: when the suggestion does not fit, or what to say alongside it.",
    )

    objects = PlainTermQuerySet.as_manager()

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="contentchecks_plainterm_unique_term",
                violation_error_message="This term is in the list already.",
            )
        ]
        verbose_name = "plain-language term"

    def __str__(self) -> str:
        return f"{self.term} → {' or '.join(self.alternative_list)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _changed()
        return result

    @property
    def alternative_list(self) -> list[str]:
        return [line.strip() for line in self.alternatives.splitlines() if line.strip()]

    def clean(self) -> None:
        self.term = " ".join(self.term.split())
        if not self.alternative_list:
            raise ValidationError({"alternatives": "Give at least one plainer way to say it."})
        if any(term_words(alternative) == term_words(self.term) for alternative in self.alternative_list):
            raise ValidationError({"alternatives": "An alternative cannot be the term itself."})

    def as_term(self) -> Term:
        return Term(self.term, tuple(self.alternative_list), self.note)
