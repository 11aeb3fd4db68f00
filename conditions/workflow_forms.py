"""The input of each workflow transition: one Django form per transition, named in the workflow's
table of transitions (``workflow.TRANSITIONS``).

A form checks the shape of what was posted (a known approval kind and checklist items, a date and
time the database can store, version numbers from the page's archive, the text a transition
requires) and gives the verb its keyword arguments (:meth:`TransitionForm.arguments`); the rules
(who may, from which state, a complete checklist for a clinical review) stay with the verb.

Unbound, a form is the transition's panel in the admin, rendered generically by its template:
several forms share a page, so ids are given explicitly, and a choice offers only what makes
sense now while the bound form accepts whatever the verb itself would judge.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from conditions.approval import CHECKLIST, RETRACTIONS, retracted_on_page, retraction_statement, wall_clock
from conditions.models import Condition, Publication
from conditions.submissions import ReviewedVersion, reviewed_version
from medsite.accounts.display import day

TEMPLATES = "admin/conditions/condition/"


def _text(label: str, element_id: str, *, rows: int = 2, required: str = "") -> forms.CharField:
    """A transition's free text, posted as ``text``; ``required`` is the message when it is missing."""
    return forms.CharField(
        label=label,
        required=bool(required),
        error_messages={"required": required} if required else None,
        widget=forms.Textarea(attrs={"id": element_id, "rows": rows, "cols": 60}),
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as the browser's ``datetime-local`` input sends it: a wall-clock time with
    no zone, read in the person's time zone (Django's current one), or ISO 8601 with an offset.

    A wall-clock time the zone skips (clocks going forward) or repeats (going back) names no single
    moment, so it is refused with a sentence saying which, rather than silently taken as one of them.
    """

    default_error_messages = {
        "invalid": "“%(value)s” is not a date and time: use the date picker, e.g. 2026-12-01 09:00.",
        "skipped": (
            "%(value)s does not exist in %(zone)s: the clocks go forward then, so that time is "
            "skipped. Choose a time outside the missing hour."
        ),
        "repeated": (
            "%(value)s happens twice in %(zone)s: the clocks go back then, so that time comes round "
            "again an hour later. Choose a time outside the repeated hour."
        ),
    }

    def to_python(self, value: str | datetime | date | None) -> datetime | None:
        raw = str(value or "").strip()
        if not raw:
            return None
        try:
            moment = parse_datetime(raw)
            if moment is not None:
                moment = moment if timezone.is_aware(moment) else self._in_current_zone(moment)
                moment.astimezone(UTC)  # a time the database cannot store (past 9999 in UTC)
        except (ValueError, OverflowError):  # well formed, but no such day or time
            moment = None
        if moment is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": raw})
        return moment

    def _in_current_zone(self, wall: datetime) -> datetime:
        zone = timezone.get_current_timezone()
        earlier, later = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
        if earlier.utcoffset() == later.utcoffset():
            return earlier
        # The two readings differ only around a change of the clocks: a skipped wall time does not
        # come back from UTC as itself, a repeated one does.
        skipped = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall
        code = "skipped" if skipped else "repeated"
        params = {"value": wall_clock(wall), "zone": timezone.get_current_timezone_name()}
        raise ValidationError(self.error_messages[code], code=code, params=params)


class VersionsField(forms.TypedMultipleChoiceField):
    """Versions of the page's public archive, by number (ticked boxes)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("error_messages", {"invalid_choice": "Choose the versions from the list."})
        super().__init__(coerce=int, required=False, **kwargs)


def _archive(condition: Condition) -> list[Publication]:
    """The versions the public archive serves, newest first: read once for the page's forms (the
    unpublish and retract forms both list them)."""
    if "_readable_publications" not in condition.__dict__:
        condition.__dict__["_readable_publications"] = list(
            condition.publications.readable().defer("html", "structured_data").order_by("-number")
        )
    return condition.__dict__["_readable_publications"]


def _offer_versions(field: VersionsField, versions: list[Publication], live_id: int | None) -> None:
    def label(publication: Publication) -> str:
        since = timezone.localtime(publication.went_live_at)
        current = " (the current one)" if publication.pk == live_id else ""
        return f"Version {publication.number}, public from {day(since)}{current}"

    field.choices = [(publication.number, label(publication)) for publication in versions]


class TransitionForm(forms.Form):
    """The input of one transition on ``condition``; ``arguments()`` are its verb's keywords."""

    panel_template = TEMPLATES + "_workflow_form.html"

    def __init__(self, data=None, *, condition: Condition) -> None:
        super().__init__(data, auto_id=False, label_suffix="")
        self.condition = condition

    def arguments(self) -> dict:
        return {"comment": self.cleaned_data["text"]} if "text" in self.fields else {}

    def error_message(self) -> str:
        """Every problem with the posted form, in one message."""
        return " ".join(str(message) for messages in self.errors.values() for message in messages)


class SubmitForm(TransitionForm):
    text = _text("Note for the reviewer (optional)", "wf-submit")


class WithdrawForm(TransitionForm):
    text = _text("Why withdraw (optional)", "wf-withdraw")


class DecisionForm(TransitionForm):
    """A decision on the version in review names that version (hidden fields).

    A form naming none, or something that is not a version, names no version: the workflow
    refuses it, as any decision on a version other than the one in review.
    """

    reviewed_revision = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    reviewed_hash = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, condition: Condition) -> None:
        super().__init__(data, condition=condition)
        version = None if self.is_bound else reviewed_version(condition)
        if version is not None:
            self.initial.update(reviewed_revision=version.revision_id, reviewed_hash=version.content_hash)

    def clean_reviewed_revision(self) -> int:
        try:
            return int(self.cleaned_data["reviewed_revision"])
        except ValueError:
            return 0

    def arguments(self) -> dict:
        reviewed = ReviewedVersion(
            self.cleaned_data["reviewed_revision"], self.cleaned_data["reviewed_hash"][:64]
        )
        return {**super().arguments(), "reviewed": reviewed}


class RequestChangesForm(DecisionForm):
    text = _text(
        "What needs to change (required)",
        "wf-changes",
        rows=3,
        required="Say what needs to change: a comment is required when requesting changes.",
    )


class ApproveForm(DecisionForm):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=Publication.Kind.choices,
        initial=Publication.Kind.CLINICAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "A clinical review confirms the medical content and sets the review dates; an editorial "
            "change (wording only) keeps them."
        ),
        error_messages={
            "invalid_choice": "Unknown approval kind “%(value)s”: use “clinical” or “editorial”."
        },
    )
    attestation = forms.MultipleChoiceField(
        label="Review checklist (every item is required for a clinical review)",
        choices=list(CHECKLIST.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Unknown checklist item(s): %(value)s."},
    )
    text = _text("What changed in this version (shown in the page history)", "wf-approve")
    go_live_at = LocalDateTimeField(
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "id": "wf-go-live", "aria-describedby": "wf-go-live-help"}
        ),
    )

    def __init__(self, data=None, *, condition: Condition) -> None:
        super().__init__(data, condition=condition)
        # Named next to the field: the browser's control shows no zone, and the person's may
        # differ from the site's (and from the one their computer is set to).
        zone = timezone.get_current_timezone_name()
        go_live = self.fields["go_live_at"]
        go_live.label = f"Go live on (optional, {zone} time)"
        go_live.help_text = f"A date and time in {zone}, your time zone. Leave it empty to publish at once."
        # Offered only after a clinical review; posted without one, the workflow explains why not.
        if not self.is_bound and not condition.publications.filter(kind=Publication.Kind.CLINICAL).exists():
            kind = cast(forms.ChoiceField, self.fields["kind"])  # a copy of the field declared above
            kind.choices = [(Publication.Kind.CLINICAL, Publication.Kind.CLINICAL.label)]
        # One more item for a page citing retracted work: offered only then, always accepted (the
        # workflow judges whether it was needed).
        attestation = cast(forms.MultipleChoiceField, self.fields["attestation"])
        retracted = [] if self.is_bound else retracted_on_page(condition)
        statement = retraction_statement(retracted) if retracted else ""
        if retracted or self.is_bound:
            attestation.choices = [*CHECKLIST.items(), (RETRACTIONS, statement)]

    def arguments(self) -> dict:
        return {
            **super().arguments(),
            "kind": self.cleaned_data["kind"] or Publication.Kind.CLINICAL,
            "attestation": self.cleaned_data["attestation"],
            "go_live_at": self.cleaned_data["go_live_at"],
        }


class CancelScheduleForm(TransitionForm):
    text = _text("Why cancel (optional)", "wf-cancel")


class ConfirmShortAnswersForm(TransitionForm):
    panel_template = TEMPLATES + "_workflow_form_confirm_answers.html"

    def stale_answers(self) -> list:
        # Through .all(): the edit page has the answers prefetched.
        return [answer for answer in self.condition.short_answers.all() if answer.needs_review]


class UnpublishForm(TransitionForm):
    text = _text(
        "Reason for taking the page offline (required)",
        "wf-unpublish",
        required="Give a reason for taking the page offline.",
    )
    retract = VersionsField(
        label=(
            "Also withdraw from the public archive (for a safety reason: the versions then answer "
            "“withdrawn” with this reason)"
        )
    )

    def __init__(self, data=None, *, condition: Condition) -> None:
        super().__init__(data, condition=condition)
        retract = cast(VersionsField, self.fields["retract"])  # a copy of the field declared above
        if self.is_bound:
            _accept_public_versions(retract, condition)
        else:
            _offer_versions(retract, _archive(condition), condition.live_publication_id)

    def arguments(self) -> dict:
        return {"reason": self.cleaned_data["text"], "retract": self.cleaned_data["retract"]}


class RetractForm(TransitionForm):
    retract = VersionsField(label="Withdraw earlier versions from the public archive")
    text = _text(
        "Why they are withdrawn (required; the public will see it)",
        "wf-retract",
        required="Give the reason these versions are withdrawn; the public will see it.",
    )

    def __init__(self, data=None, *, condition: Condition) -> None:
        super().__init__(data, condition=condition)
        retract = cast(VersionsField, self.fields["retract"])  # a copy of the field declared above
        if self.is_bound:
            _accept_public_versions(retract, condition)
        else:
            earlier = [p for p in _archive(condition) if p.pk != condition.live_publication_id]
            _offer_versions(retract, earlier, None)

    def arguments(self) -> dict:
        return {"reason": self.cleaned_data["text"], "numbers": self.cleaned_data["retract"]}


def _accept_public_versions(field: VersionsField, condition: Condition) -> None:
    # Any version the public was shown: one withdrawn meanwhile is withdrawn again harmlessly, and
    # the live one is refused by the workflow with a reason.
    numbers = condition.publications.public().values_list("number", flat=True)
    field.choices = [(number, str(number)) for number in numbers]
