"""Condition pages, their parts, their publications and their review log."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from conditions.codes import validate_codes
from conditions.publishedpage import PublishedPage

# How a person is named, with a reviewer's credentials: one helper for the whole site, imported
# from here too.
from medsite.accounts.display import day
from medsite.accounts.display import display_name as display_name
from medsite.limits import validate_markdown_field
from medsite.validators import validate_lines, validate_single_line

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    EXPERT_REVIEW = "expert_review", "In expert review"
    PUBLISHED = "published", "Published"


# A publication's frozen page: large, and read only where the page itself is shown (the public
# site, the API, the review screen). Lists and the editor show a publication's number and dates.
PUBLICATION_PAGE = ("html", "structured_data")


class ConditionQuerySet(models.QuerySet):
    def live(self) -> ConditionQuerySet:
        """Conditions the public can read, with what they read."""
        return self.filter(live_publication__isnull=False).select_related("live_publication")

    def with_publications(self) -> ConditionQuerySet:
        """With the live and scheduled publications' facts (number, dates, reviewer), read in the
        same query, but not their frozen pages."""
        relations = ("live_publication", "scheduled_publication")
        return self.select_related(*relations).defer(
            *(f"{relation}__{name}" for relation in relations for name in PUBLICATION_PAGE)
        )

    def awaiting_review(self) -> ConditionQuerySet:
        return self.filter(status=Status.EXPERT_REVIEW)

    # The review dashboard's lists (conditions/admin/dashboard.py). Each is one SQL query whatever its
    # length: the review log is read through correlated subqueries, never row by row.

    def awaiting_review_by(self, user: User) -> ConditionQuerySet:
        """In expert review, and not written or submitted by ``user`` (four eyes).

        Reads the contributors the submission recorded (``conditions.authorship``, computed from
        the content when it was submitted); approval computes them again. Whether ``user`` may
        review at all is the caller's check. Annotated with ``latest_submit_id``; oldest
        submission first, as a queue.
        """
        contributed = ReviewEvent.contributors.through.objects.filter(
            reviewevent_id=OuterRef("latest_submit_id"), user_id=user.pk
        )
        return (
            self.awaiting_review()
            .annotate(latest_submit_id=_latest_event("id", action=ReviewEvent.Action.SUBMIT))
            .exclude(Exists(contributed))
            .order_by("latest_submit_id", "name")
        )

    def drafts_edited_by(self, user: User) -> ConditionQuerySet:
        """Working copies ``user`` edited since the last approval: drafts and pages in review.

        Annotated with ``edited_by_user_at`` (their latest edit), most recent first.
        """
        edits = ReviewEvent.objects.filter(
            condition=OuterRef("pk"), actor=user, action=ReviewEvent.Action.EDIT
        )
        return (
            self.filter(status__in=[Status.DRAFT, Status.EXPERT_REVIEW])
            .filter(_contributed_since_approval(user, [ReviewEvent.Action.EDIT]))
            .annotate(edited_by_user_at=Subquery(edits.order_by("-id").values("created_at")[:1]))
            .order_by("-edited_by_user_at", "name")
        )

    def changes_requested_of(self, user: User) -> ConditionQuerySet:
        """Drafts a reviewer sent back (their latest event) whose version ``user`` edited or submitted.

        Annotated with ``latest_event_id``, the request for changes; newest request first.
        """
        return (
            self.filter(status=Status.DRAFT)
            .annotate(latest_action=_latest_event("action"), latest_event_id=_latest_event("id"))
            .filter(latest_action=ReviewEvent.Action.REQUEST_CHANGES)
            .filter(_contributed_since_approval(user, [ReviewEvent.Action.EDIT, ReviewEvent.Action.SUBMIT]))
            .order_by("-latest_event_id")
        )

    def review_due_within(self, days: int, *, today: date) -> ConditionQuerySet:
        """Live pages whose clinical review is overdue or due within ``days`` days, soonest first."""
        return (
            self.live()
            .defer(*(f"live_publication__{name}" for name in PUBLICATION_PAGE))
            .filter(next_review_due__lte=today + timedelta(days=days))
            .order_by("next_review_due", "name")
        )

    def scheduled(self) -> ConditionQuerySet:
        """Pages with an approved version waiting for its go-live time, the soonest first."""
        return (
            self.filter(scheduled_publication__isnull=False)
            .select_related("scheduled_publication")
            .defer(*(f"scheduled_publication__{name}" for name in PUBLICATION_PAGE))
            .order_by("scheduled_publication__go_live_at", "name")
        )


def _latest_event(field: str, **filters) -> Subquery:
    """A field of the condition's latest review event (matching ``filters``), for annotations."""
    events = ReviewEvent.objects.filter(condition=OuterRef("pk"), **filters).order_by("-id")
    return Subquery(events.values(field)[:1])


def _contributed_since_approval(user: User, actions: list[str]) -> Exists:
    """Whether ``user`` logged one of ``actions`` on the condition after its latest approval.

    Event ids, not times, order the log (as in ``workflow.contributors()``): two events can share
    a timestamp, never an id.
    """
    last_approval = ReviewEvent.objects.filter(
        condition=OuterRef("condition"), action=ReviewEvent.Action.APPROVE
    )
    return Exists(
        ReviewEvent.objects.filter(
            condition=OuterRef("pk"),
            actor=user,
            action__in=actions,
            id__gt=Coalesce(Subquery(last_approval.order_by("-id").values("id")[:1]), 0),
        )
    )


class Condition(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    also_called = models.TextField(
        blank=True, help_text="Other names for the condition, one per line.", validators=[validate_lines]
    )
    summary = models.TextField(
        blank=True,
        help_text="One or two plain sentences for search results and cards (no Markdown).",
    )
    codes = models.TextField(
        blank=True,
        help_text="Codes of the condition, one per line: ICD10CM:E34.0, SNOMEDCT:90560007, MESH:D006073. "
        "A medical reviewer checks them with the page.",
        validators=[validate_codes],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    live_publication = models.ForeignKey(
        "Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    scheduled_publication = models.ForeignKey(
        "Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="An approved version waiting for its go-live time.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    review_interval_months = models.PositiveSmallIntegerField(
        default=36, help_text="Months between clinical reviews."
    )
    source_updated_on = models.DateField(
        null=True, blank=True, help_text="Date the imported source text gave as its last update."
    )
    import_source = models.CharField(
        max_length=1000,
        blank=True,
        db_index=True,
        help_text="The file or address the page was last imported from (import_condition): a later "
        "import from elsewhere does not replace it unless asked to.",
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("review_condition", "Can review and approve condition pages"),
            ("unpublish_condition", "Can take a published condition page offline"),
        ]
        indexes = [
            # The admin list's order (name, then id for a total order), with and without its
            # status filter, so a page of it is read in index order (see ConditionAdmin.ordering).
            models.Index(fields=["name", "id"], name="condition_name_idx"),
            models.Index(fields=["status", "name", "id"], name="condition_status_name_idx"),
            models.Index(fields=["next_review_due"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conditions:detail", args=[self.public_slug])

    @property
    def public_slug(self) -> str:
        """The address the public reads the page at: the live version's, which only an approval
        changes; a page that is not live has only its working copy's."""
        publication = self.live_publication
        return publication.slug if publication is not None and publication.slug else self.slug

    @property
    def public_version(self) -> Publication:
        """The live publication of a page known to be live (read through ``live()``, or at its
        public address); ``Publication.DoesNotExist`` for a page that is not."""
        publication = self.live_publication
        if publication is None:
            raise Publication.DoesNotExist(f"“{self.name}” has no live version.")
        return publication

    @property
    def synonyms(self) -> list[str]:
        return lines(self.also_called)

    @property
    def public_name(self) -> str:
        """The name the public knows the page by: the live version's, else the working copy's."""
        publication = self.live_publication
        return publication.title if publication is not None else self.name

    @property
    def is_live(self) -> bool:
        return self.live_publication_id is not None

    @property
    def is_read_only(self) -> bool:
        """Content under expert review is frozen until it is approved, withdrawn or sent back."""
        return self.status == Status.EXPERT_REVIEW


class Section(models.Model):
    class Kind(models.TextChoices):
        OVERVIEW = "overview", "Overview"
        SYMPTOMS = "symptoms", "Symptoms"
        WHEN_TO_SEE_A_DOCTOR = "when_to_see_a_doctor", "When to see a doctor"
        CAUSES = "causes", "Causes"
        RISK_FACTORS = "risk_factors", "Risk factors"
        COMPLICATIONS = "complications", "Complications"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        TREATMENT = "treatment", "Treatment"
        PREVENTION = "prevention", "Prevention"
        LIVING_WITH = "living_with", "Living with the condition"
        OTHER = "other", "Other"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="Leave blank to use the kind's name.",
        validators=[validate_single_line],
    )
    body = models.TextField(
        blank=True, help_text="Markdown. Cite sources as [@key].", validators=[validate_markdown_field]
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        # No unique (condition, position): reversion restores rows one at a time, so a revert
        # across a reorder would trip it.
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.display_heading

    @property
    def display_heading(self) -> str:
        return self.heading.strip() or self.get_kind_display()


class ShortAnswer(models.Model):
    """A short reviewed answer to a common question, published with its condition."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="short_answers")
    question = models.CharField(max_length=300, validators=[validate_single_line])
    answer = models.TextField(
        help_text="Markdown: the short answer, a few sentences.", validators=[validate_markdown_field]
    )
    details = models.TextField(
        blank=True, help_text="Markdown: the longer explanation.", validators=[validate_markdown_field]
    )
    position = models.PositiveIntegerField(default=0)
    source_updated_on = models.DateField(
        null=True, blank=True, help_text="Date the imported source gave as its last update."
    )
    needs_review = models.BooleanField(
        default=False,
        help_text="Set when a clinical review changed the page's sections: confirm or edit this answer.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class PublicationQuerySet(models.QuerySet):
    def public(self) -> PublicationQuerySet:
        """Versions that were shown to the public (not those still scheduled or cancelled)."""
        return self.filter(went_live_at__isnull=False)

    def readable(self) -> PublicationQuerySet:
        """Versions the public archive serves: shown to the public and not retracted since."""
        return self.public().filter(retracted_at__isnull=True)


def lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, trimmed: a list kept one item a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Publication(models.Model):
    """An approved, frozen version of a condition page: what the public saw from ``went_live_at``."""

    class Kind(models.TextChoices):
        CLINICAL = "clinical", "Clinical review"
        EDITORIAL = "editorial", "Editorial change"

    # PROTECT: what the public was shown is a record; a published page is unpublished, not deleted.
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=200, help_text="The page's public address while this version is the live one."
    )
    summary = models.TextField(blank=True)
    also_called = models.TextField(
        blank=True, help_text="Other names, one a line, as approved.", validators=[validate_lines]
    )
    codes = models.TextField(
        blank=True,
        help_text="The condition's codes as approved, one a line (ICD10CM:E34.0): what the "
        "API and the Infobutton service match.",
    )
    html = models.TextField(help_text="The rendered page body, frozen at approval.")
    structured_data = models.JSONField(default=dict)
    revision = models.ForeignKey(
        "reversion.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The submitted revision the reviewer read and approved; the page is built from it.",
    )
    content_hash = models.CharField(max_length=64, blank=True)
    content_atoms = models.JSONField(
        default=dict, blank=True, help_text="A hash of each part of the approved content (authorship)."
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    approved_at = models.DateTimeField()
    go_live_at = models.DateTimeField(help_text="When this version is to become public.")
    went_live_at = models.DateTimeField(null=True, blank=True, help_text="When it did become public.")
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="Scheduled, then cancelled.")
    attestation = models.JSONField(default=dict, blank=True, help_text="The reviewer's checklist answers.")
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    next_review_due = models.DateField(null=True, blank=True)
    change_summary = models.TextField(blank=True)
    retracted_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn from the public archive (for a safety reason)."
    )
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retraction_reason = models.TextField(blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["condition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "number"], name="unique_publication_number")
        ]
        get_latest_by = "number"
        indexes = [
            # The newest public versions first (the dashboard's "recently published").
            models.Index(fields=["went_live_at", "id"], name="publication_went_live_idx"),
            # A public address to the page that serves (or served) it.
            models.Index(fields=["slug", "went_live_at"], name="publication_slug_idx"),
            models.Index(
                fields=["go_live_at"],
                condition=models.Q(went_live_at__isnull=True, cancelled_at__isnull=True),
                name="publication_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def synonyms(self) -> list[str]:
        return lines(self.also_called)

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @cached_property
    def page(self) -> PublishedPage:
        """The frozen page (``structured_data``) as typed data, whatever shape it was stored in."""
        return PublishedPage.from_json(self.structured_data, fallback=self._page_fallback)

    def _page_fallback(self) -> dict:
        # Only the earliest pages lack these; asked only then, as a list may defer the columns.
        return {"name": self.title, "slug": self.slug, "summary": self.summary, "also_called": self.synonyms}


class PublicationImage(models.Model):
    """A library image as one publication shows it: where-used and protected delete read these."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="image_links")
    # PROTECT: an image an approved version shows keeps its row (and so its files) for good.
    image = models.ForeignKey("images.Image", on_delete=models.PROTECT, related_name="publication_links")
    position = models.PositiveIntegerField(help_text="Its place among the images the version shows.")

    class Meta:
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "image"], name="unique_image_per_publication")
        ]

    def __str__(self) -> str:
        return f"{self.publication} image {self.position}"


class ReviewEvent(models.Model):
    """One line of a page's review log: an edit or a workflow transition."""

    class Action(models.TextChoices):
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted for review"
        WITHDRAW = "withdraw", "Withdrawn from review"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        APPROVE = "approve", "Approved"
        GO_LIVE = "go_live", "Went live"
        CANCEL_SCHEDULE = "cancel_schedule", "Scheduled publication cancelled"
        UNPUBLISH = "unpublish", "Unpublished"
        CONFIRM_ANSWERS = "confirm_answers", "Short answers confirmed"
        RETRACT = "retract", "Versions withdrawn from the archive"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="review_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.ForeignKey(
        "reversion.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="The content submitted, or decided on (see pagecontent)."
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="On a submission: everyone who wrote the version submitted, who may not approve it.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["condition", "action", "id"]),
            # Whether a user edited or submitted a page since its last approval (the four-eyes
            # rule of the dashboard's lists); without it SQLite walks all of the user's events.
            models.Index(fields=["condition", "actor", "action", "id"], name="reviewevent_contributor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {display_name(self.actor)} on {day(self.created_at)}"


class SlugHistory(models.Model):
    """An address a condition page used to have: it redirects (301) to the page's current one."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "slug history"

    def __str__(self) -> str:
        return f"{self.slug} → {self.condition.slug}"


class SearchDocument(models.Model):
    """The searchable text of a condition's live publication (kept in step by the workflow).

    The text columns are folded (lower case, accents removed) so both database backends match
    "Sjogren" and "Sjögren" alike; ``vector`` is PostgreSQL's full-text index of them, and on
    SQLite an FTS5 table indexes the same columns, kept in step by triggers on this table
    (migration 0007). A later migration that makes SQLite rebuild this table (most column
    changes do) drops those triggers with it, and must create them again.
    """

    condition = models.OneToOneField(Condition, on_delete=models.CASCADE, related_name="search_document")
    name = models.TextField()
    synonyms = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL: the names and summary alone, small enough to rank thousands of matches by.
    head_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class ReviewerProfile(models.Model):
    """How a medical reviewer is named on the pages they approve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    display_name = models.CharField(
        max_length=200,
        help_text='Name with credentials, e.g. "Jane Doe, MD".',
        validators=[validate_single_line],
    )
    specialty = models.CharField(max_length=200, blank=True, validators=[validate_single_line])

    def __str__(self) -> str:
        return self.display_name


class EditingSession(models.Model):
    """Someone has a condition's edit page open: one row per person and page, kept current by the
    page's heartbeat and ended when they leave it or stop being heard from (conditions/presence.py)."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="editing_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Also the index the heartbeat reads a page's sessions by.
            models.UniqueConstraint(fields=["condition", "user"], name="editingsession_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} editing {self.condition} since {self.started_at:%Y-%m-%d %H:%M}"


reversion.register(Condition, follow=("sections", "short_answers", "condition_references"))
reversion.register(Section)
reversion.register(ShortAnswer)


def system_user() -> User:
    """The named account that command-line writes (imports, scheduled jobs) are recorded under.

    It holds the Editors role so its writes pass the same permission checks as a person's, and
    has no usable password, so nobody can sign in as it.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=settings.MEDSITE_SYSTEM_USERNAME,
        defaults={"first_name": "MedSite", "last_name": "system"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name="Editors"))
    return user
