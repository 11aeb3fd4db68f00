"""Bibliographic references, shared by many condition pages."""

from __future__ import annotations

import reversion
from django.db import models
from django.urls import reverse


class Reference(models.Model):
    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "journal-article", "Journal article"
        BOOK = "book", "Book"
        BOOK_CHAPTER = "book-chapter", "Book chapter"
        WEB_PAGE = "web-page", "Web page"
        DATABASE = "database", "Database or point-of-care resource"
        GUIDELINE = "guideline", "Guideline"
        EXPERT_OPINION = "expert-opinion", "Expert opinion"
        OTHER = "other", "Other"

    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Citation key used in the text as [@key], e.g. feldman2021.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    authors = models.TextField(
        blank=True, help_text="One author per line, family name then initials (e.g. Feldman M)."
    )
    title = models.CharField(max_length=500, blank=True)
    container_title = models.CharField(
        max_length=500, blank=True, help_text="Journal, book (for a chapter) or website."
    )
    edition = models.CharField(max_length=40, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    doi = models.CharField(max_length=200, blank=True)
    pmid = models.CharField(max_length=20, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    original_text = models.TextField(
        blank=True, help_text="The reference as first written, kept when it was imported from text."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.title or self.original_text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("admin:references_reference_change", args=[self.pk])

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]


class ConditionReference(models.Model):
    """A reference listed on a condition page, in the editor's order (cited inline or not)."""

    condition = models.ForeignKey(
        "conditions.Condition", on_delete=models.CASCADE, related_name="condition_references"
    )
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="condition_links")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        # No unique constraints here: reversion restores rows one at a time, and a revert across a
        # reorder or a re-added reference would trip them. The admin formset refuses duplicates.
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.condition} – {self.reference.key}"


reversion.register(Reference)
reversion.register(ConditionReference)
