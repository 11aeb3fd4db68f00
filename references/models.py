"""Bibliographic references, shared by many condition pages."""

from __future__ import annotations

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from medsite.validators import validate_lines, validate_single_line

from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmid


class NoticeKind(models.TextChoices):
    """What a notice about a published work says, most serious first."""

    RETRACTION = "retraction", "Retraction"
    EXPRESSION_OF_CONCERN = "expression-of-concern", "Expression of concern"
    CORRECTION = "correction", "Correction"


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
        blank=True,
        help_text="One author per line, family name then initials (e.g. Feldman M).",
        validators=[validate_lines],
    )
    title = models.CharField(max_length=500, blank=True, validators=[validate_single_line])
    container_title = models.CharField(
        max_length=500,
        blank=True,
        help_text="Journal, book (for a chapter) or website.",
        validators=[validate_single_line],
    )
    journal_abbreviation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The journal's NLM abbreviation, which AMA prints (e.g. N Engl J Med).",
        validators=[validate_single_line],
    )
    editors = models.TextField(
        blank=True,
        help_text="Editors of the book (for a chapter) or of an edited book, one per line (e.g. Landon MB).",
        validators=[validate_lines],
    )
    series = models.CharField(max_length=300, blank=True, validators=[validate_single_line])
    edition = models.CharField(max_length=40, blank=True, validators=[validate_single_line])
    publisher = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    place = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True, validators=[validate_single_line])
    issue = models.CharField(max_length=40, blank=True, validators=[validate_single_line])
    pages = models.CharField(max_length=40, blank=True, validators=[validate_single_line])
    elocator = models.CharField(
        max_length=40,
        blank=True,
        verbose_name="article number",
        help_text="The article number (e-locator) of an article without pages, e.g. e0123456.",
        validators=[validate_single_line],
    )
    published_online = models.DateField(
        null=True, blank=True, help_text="When an article was published online ahead of its issue."
    )
    url = models.URLField(max_length=1000, blank=True, validators=[validate_single_line])
    doi = models.CharField(max_length=200, blank=True, help_text="e.g. 10.1016/S0140-6736(21)00569-9")
    pmid = models.CharField(
        max_length=20, blank=True, verbose_name="PMID", help_text="PubMed id, digits only."
    )
    accessed_on = models.DateField(null=True, blank=True)
    note = models.TextField(
        blank=True,
        help_text="Printed at the end of the reference, e.g. the date it was updated; parts split by “;”.",
    )
    private_note = models.TextField(
        blank=True,
        verbose_name="editor-only note",
        help_text="Never shown to the public: export metadata, remarks for other editors.",
    )
    original_text = models.TextField(
        blank=True, help_text="The reference as first written, kept when it was imported from text."
    )
    # The most serious notice the publisher or Retraction Watch issued about the work, as Crossref
    # reported it when `check_citations --retractions` last asked (references/retractions.py).
    notice_kind = models.CharField(
        max_length=30, blank=True, choices=NoticeKind.choices, verbose_name="publisher's notice"
    )
    notice_doi = models.CharField(max_length=200, blank=True, verbose_name="notice DOI")
    notice_date = models.DateField(null=True, blank=True, verbose_name="notice dated")
    notices_checked_at = models.DateTimeField(
        null=True, blank=True, verbose_name="notices checked", help_text="When Crossref was last asked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~models.Q(doi=""), name="unique_reference_doi"),
            models.UniqueConstraint(
                fields=["pmid"], condition=~models.Q(pmid=""), name="unique_reference_pmid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title or self.original_text[:60]}"

    def save(self, *args, **kwargs) -> None:
        # Every write path stores the canonical form, so duplicates are caught by the constraints.
        self.doi = normalize_doi(self.doi)
        self.pmid = normalize_pmid(self.pmid)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:references_reference_change", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        for name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
            try:
                setattr(self, name, normalize(getattr(self, name)))
            except InvalidIdentifier as exc:
                errors[name] = str(exc)
        if self.needs_accessed_date:
            errors["accessed_on"] = "Give the date this online source was read (AMA style requires it)."
        if errors:
            raise ValidationError(errors)

    @property
    def needs_accessed_date(self) -> bool:
        """An online source (web page, database) with a URL but no date it was read."""
        return self.kind in ONLINE_KINDS and bool(self.url) and self.accessed_on is None

    @property
    def retracted(self) -> bool:
        return self.notice_kind == NoticeKind.RETRACTION

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def editor_list(self) -> list[str]:
        return [line.strip() for line in self.editors.splitlines() if line.strip()]


# Kinds read online, which need the date they were read.
ONLINE_KINDS = (Reference.Kind.WEB_PAGE, Reference.Kind.DATABASE)


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


class PublicationReference(models.Model):
    """A reference as listed in one publication: what the public was shown rests on it."""

    publication = models.ForeignKey(
        "conditions.Publication", on_delete=models.CASCADE, related_name="reference_links"
    )
    # PROTECT: a source that a published version cites cannot be deleted from under it.
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="publication_links")
    number = models.PositiveIntegerField(help_text="Its number in that publication's reference list.")

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "reference"], name="unique_reference_per_publication"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication} [{self.number}] {self.reference.key}"


# The notices are a fact about the world, checked by a command: reverting an editor's change to a
# reference must not bring back an old answer about its retraction.
reversion.register(Reference, exclude=["notice_kind", "notice_doi", "notice_date", "notices_checked_at"])
reversion.register(ConditionReference)
