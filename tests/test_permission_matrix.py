"""Who may do what: every URL of the site, for every role, in one table.

Each row is one request (an address and a method); each cell is what one role gets back, and the
row also says whose request changes the database (every other cell must leave it exactly as it
was). The rows for the admin's standard screens are made from the admin registry and a table of
who may view, add, change and delete each model; the rest are written out. A URL the table does
not cover fails ``test_every_url_is_in_the_matrix``, so a new screen cannot go unchecked.

The four-eyes rule (nobody approves a version they edited or submitted) is tested last, through
every door: the workflow endpoint, a crafted POST, the change form's fields, revert and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from reversion.models import Version

from conditions import history, workflow
from conditions.content import ConditionData, write_condition
from conditions.models import Condition, ReviewerProfile, Status
from images.library import add_image
from images.models import Image
from medsite import audit
from medsite.contentchecks.models import PlainTerm
from references.models import Reference
from tests.factories import CHECKED, make_condition, make_reference, publish
from tests.images.conftest import png

pytestmark = pytest.mark.django_db

ANONYMOUS, STRANGER, STAFF, EDITOR, REVIEWER, SUPERUSER = ROLES = (
    "anonymous",  # not logged in
    "stranger",  # logged in, not staff, no role
    "staff",  # staff, no role
    "editor",
    "reviewer",
    "superuser",
)
LOGGED_OUT = {ANONYMOUS, STRANGER}  # the admin sends both to its login page
EDITORS = frozenset({EDITOR, REVIEWER, SUPERUSER})  # change_condition: the Editors role, or more
REVIEWERS = frozenset({REVIEWER, SUPERUSER})
SUPER = frozenset({SUPERUSER})
STAFF_ROLES = frozenset({STAFF, *EDITORS})
NOBODY = frozenset()

LOGIN = "login"  # a redirect to the admin's login page


# --- the world every row runs against ---------------------------------------------------------


def _user(username: str, *groups: str, staff: bool = True, **extra) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "correct horse battery", **extra)
    user.is_staff = staff
    user.save()
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def _build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.users = {
        ANONYMOUS: None,
        STRANGER: _user("sam", staff=False),
        STAFF: _user("stan"),
        EDITOR: _user("edna", "Editors"),
        REVIEWER: _user("rita", "Medical reviewers"),
        SUPERUSER: User.objects.create_superuser("root", "root@example.org", "correct horse battery"),
    }
    editor, reviewer = w.users[EDITOR], w.users[REVIEWER]
    w.profile = ReviewerProfile.objects.create(user=reviewer, display_name="Rita Reviewer, MD")
    w.reviewer2 = _user("ravi", "Medical reviewers")

    w.reference = make_reference("lee2019", title="Shin pain in runners")
    with reversion.create_revision():
        reversion.set_user(editor)
        w.reference.save()
    w.unused_reference = make_reference("unused2000")
    gone = make_reference("gone2001")
    with reversion.create_revision():
        gone.save()
    gone.delete()
    w.deleted_reference_version = Version.objects.get_deleted(Reference).get()

    answers = [("Is it common?", "Yes, very.", "")]
    w.draft = make_condition(
        editor, "Draft page", sections=[("overview", "Common in runners [@lee2019].")], short_answers=answers
    )
    flagged = w.draft.short_answers.get()
    flagged.needs_review = True
    flagged.save()
    w.draft_versions = list(Version.objects.get_for_object(w.draft).order_by("pk"))

    w.review = make_condition(editor, "Review page")
    workflow.submit(w.review, by=editor)
    # A decision form opened on an earlier version of the page in review (the editor withdrew,
    # changed and resubmitted it since): names a version that is not the one in review.
    w.stale_version = {
        "reviewed_revision": str(w.review.review_events.get(action="edit").revision_id),
        "reviewed_hash": workflow.reviewed_version(w.review).content_hash,
    }
    # A reference shown by a page in review: frozen until the review is decided.
    w.reviewed_reference = make_reference("kim2022", title="Night cramps in older adults")
    w.citing_review = make_condition(
        editor, "Citing page", sections=[("overview", "Cramps are common at night [@kim2022].")]
    )
    workflow.submit(w.citing_review, by=editor)

    w.live = make_condition(editor, "Live page", short_answers=answers)
    w.publication = publish(w.live, editor=editor, reviewer=reviewer)
    w.question = w.publication.page.short_answers[0].slug

    # Live in its second version: the first may be withdrawn from the archive.
    w.revised = make_condition(editor, "Revised page")
    publish(w.revised, editor=editor, reviewer=reviewer)
    _edit(w.revised, editor)
    publish(w.revised, editor=editor, reviewer=reviewer)

    w.scheduled = make_condition(editor, "Scheduled page")
    workflow.submit(w.scheduled, by=editor)
    workflow.approve(w.scheduled, by=reviewer, attestation=CHECKED, go_live_at=timezone.now() + timedelta(7))

    # Edited by the editor, the reviewer and the superuser alike, then submitted.
    w.own_edit = make_condition(editor, "Everyone edited page")
    for person in (reviewer, w.users[SUPERUSER]):
        _edit(w.own_edit, person)
    workflow.submit(w.own_edit, by=editor)

    deleted = make_condition(editor, "Deleted page")
    deleted.delete()
    w.deleted_version = Version.objects.get_deleted(Condition).get()

    w.event = w.review.review_events.first()
    w.audit_record = audit.record(audit.Action.EXPORT, actor=editor, target=w.draft, format="bib")
    w.plain_term = PlainTerm.objects.create(term="zygomycosis", alternatives="a fungal infection")
    w.member = _user("mia")  # a user the superuser edits and deletes
    w.group = Group.objects.create(name="Translators")
    w.image = add_image(png((60, 40)), title="Matrix knee", alt="A knee", by=editor)
    gone_image = add_image(png((50, 40)), title="Gone knee", alt="A knee", by=editor)
    gone_image.delete()
    w.deleted_image_version = Version.objects.get_deleted(Image).get()
    w.objects = {
        "auth.user": w.member,
        "auth.group": w.group,
        "references.reference": w.unused_reference,
        "conditions.condition": w.draft,
        "conditions.publication": w.publication,
        "conditions.reviewevent": w.event,
        "conditions.reviewerprofile": w.profile,
        "audit.auditrecord": w.audit_record,
        "contentchecks.plainterm": w.plain_term,
        "images.image": w.image,
        **_axes_objects(),
    }
    for condition in (w.draft, w.review, w.live, w.scheduled, w.own_edit, w.revised, w.citing_review):
        condition.refresh_from_db()
    return w


def _edit(condition: Condition, user) -> None:
    summary = f"{condition.summary} Edited by {user}."
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, summary=summary), by=user, comment=""
    )


def _axes_objects() -> dict:
    if not apps.is_installed("axes"):
        return {}
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    where = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone", "http_accept": "*/*"}
    return {
        "axes.accessattempt": AccessAttempt.objects.create(
            **where, path_info="/admin/login/", get_data="", post_data="", failures_since_start=3
        ),
        "axes.accesslog": AccessLog.objects.create(**where, path_info="/admin/login/"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**where, path_info="/admin/login/"),
    }


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the matrix, in a transaction undone after it; each cell runs in a
    savepoint of its own on top, undone after the request. Image files go to a folder of its own."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# --- the table --------------------------------------------------------------------------------


def cells(allowed, *, ok: str = "200", refused: str = "403", logged_out: str = LOGIN) -> dict:
    """The outcome for each role: ``ok`` for the ``allowed`` ones, ``refused`` for other staff,
    ``logged_out`` for visitors and users who are not staff."""
    outcome = {role: ok if role in allowed else refused for role in ROLES}
    for role in LOGGED_OUT:
        outcome[role] = logged_out
    return outcome


def everyone(outcome: str) -> dict:
    return dict.fromkeys(ROLES, outcome)


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[SimpleNamespace], str]
    expect: dict
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    writes: frozenset = NOBODY  # the roles whose request changes the database

    def __str__(self) -> str:
        return self.name


def url(name: str, *args: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _with_query(name: str, query: str) -> Callable[[SimpleNamespace], str]:
    return lambda w: f"{reverse(name)}?{query}"


def pk(attribute: str) -> Callable[[SimpleNamespace], object]:
    return lambda w: getattr(w, attribute).pk


def const(value) -> Callable[[SimpleNamespace], object]:
    return lambda w: value


# Who may (view, add, change, delete) each model registered in the admin.
MODEL_ACCESS = {
    "auth.user": (SUPER, SUPER, SUPER, SUPER),
    "auth.group": (SUPER, SUPER, SUPER, SUPER),
    "references.reference": (EDITORS, EDITORS, EDITORS, SUPER),
    "conditions.condition": (EDITORS, EDITORS, EDITORS, SUPER),
    "conditions.publication": (EDITORS, NOBODY, NOBODY, NOBODY),
    "conditions.reviewevent": (EDITORS, NOBODY, NOBODY, NOBODY),
    "conditions.reviewerprofile": (SUPER, SUPER, SUPER, SUPER),
    "audit.auditrecord": (SUPER, NOBODY, NOBODY, NOBODY),
    # The plain-language term list of the content checks: kept by editors and reviewers.
    "contentchecks.plainterm": (EDITORS, EDITORS, EDITORS, EDITORS),
    # The image library: kept by editors and reviewers; deleting it is for superusers.
    "images.image": (EDITORS, EDITORS, EDITORS, SUPER),
    # Failed logins and lockouts (django-axes): every field is read-only, and deleting one lifts
    # a lockout (Django's admin log records who did, and when).
    "axes.accessattempt": (SUPER, NOBODY, SUPER, SUPER),
    "axes.accesslog": (SUPER, NOBODY, SUPER, SUPER),
    "axes.accessfailurelog": (SUPER, NOBODY, SUPER, SUPER),
}


def _condition_form(condition: Condition, **changes) -> dict:
    return {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": condition.summary,
        "review_interval_months": condition.review_interval_months,
        "lock_version_seen": condition.lock_version,
        **{f"{prefix}-{part}": 0 for prefix in INLINES for part in ("TOTAL_FORMS", "INITIAL_FORMS")},
        **changes,
    }


INLINES = ("sections", "short_answers", "condition_references")


def _image_form(**changes) -> dict:
    return {"title": "Matrix knee", "alt": "A knee", "focal_x": 0.5, "focal_y": 0.5, **changes}


def _reference_form(reference: Reference, **changes) -> dict:
    return {"key": reference.key, "kind": reference.kind, "title": reference.title, **changes}


# A valid add form and change form of each model whose admin has someone allowed to use them.
ADD_FORMS = {
    "auth.user": lambda w: {
        "username": "newbie",
        "password1": "a long pass 42",
        "password2": "a long pass 42",
    },
    "auth.group": lambda w: {"name": "Proofreaders"},
    "contentchecks.plainterm": lambda w: {"term": "haemarthrosis", "alternatives": "bleeding into a joint"},
    "images.image": lambda w: _image_form(upload=SimpleUploadedFile("elbow.png", png((40, 30)), "image/png")),
    "references.reference": lambda w: {"key": "new2024", "kind": "other", "title": "New"},
    "conditions.condition": lambda w: _condition_form(
        Condition(name="New page", slug="new-page", summary="S")
    ),
    "conditions.reviewerprofile": lambda w: {"user": w.users[EDITOR].pk, "display_name": "Edna Editor, RN"},
}
CHANGE_FORMS = {
    "auth.user": lambda w: {
        "username": w.member.username,
        "first_name": "Mia",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        # The preferences inline, left as it is.
        "preferences-TOTAL_FORMS": 0,
        "preferences-INITIAL_FORMS": 0,
    },
    "auth.group": lambda w: {"name": "Translators and interpreters"},
    "contentchecks.plainterm": lambda w: {"term": "zygomycosis", "alternatives": "a rare fungal infection"},
    "images.image": lambda w: _image_form(title="Matrix knee, renamed"),
    "references.reference": lambda w: _reference_form(w.unused_reference, title="Retitled"),
    "conditions.condition": lambda w: _condition_form(w.draft, name="Draft page, renamed"),
    "conditions.reviewerprofile": lambda w: {"user": w.users[REVIEWER].pk, "display_name": "Rita R, MD"},
}


def _model_rows(label: str, view, add, change, delete) -> list[Row]:
    """The admin's standard screens of one model, from who may do what with it."""
    app, model = label.split(".")
    viewers = view | change

    def obj(w):
        return w.objects[label].pk

    def named(screen):
        return f"admin:{app}_{model}_{screen}"

    def form(forms):
        return lambda w: forms[label](w) if label in forms else {"name": "anything"}

    def bulk_delete(w):
        return {"action": "delete_selected", "_selected_action": [obj(w)], "post": "yes"}

    # A viewer without delete rights posting "delete selected" gets the list back, unchanged.
    bulk_outcome = cells(viewers) | {role: "302" for role in delete}
    return [
        Row(f"{label} list", url(named("changelist")), cells(viewers)),
        Row(
            f"{label} list: delete selected",
            url(named("changelist")),
            bulk_outcome,
            "post",
            bulk_delete,
            delete,
        ),
        Row(f"{label} add form", url(named("add")), cells(add)),
        Row(f"{label} add", url(named("add")), cells(add, ok="302"), "post", form(ADD_FORMS), add),
        Row(f"{label} change form", url(named("change"), obj), cells(viewers)),
        Row(
            f"{label} change",
            url(named("change"), obj),
            cells(change, ok="302"),
            "post",
            form(CHANGE_FORMS),
            change,
        ),
        Row(f"{label} history", url(named("history"), obj), cells(viewers)),
        Row(f"{label} delete page", url(named("delete"), obj), cells(delete)),
        Row(
            f"{label} delete",
            url(named("delete"), obj),
            cells(delete, ok="302"),
            "post",
            const({"post": "yes"}),
            delete,
        ),
        # The object's bare address redirects to its change page, for any staff.
        Row(f"{label} address", lambda w: f"{reverse(named('changelist'))}{obj(w)}/", cells(ROLES, ok="302")),
    ]


def _workflow(action: str, page: str, expect: dict, writes=NOBODY, note: str = "", **data) -> Row:
    return Row(
        f"workflow {action} ({page}{', ' + note if note else ''})",
        url("admin:conditions_condition_workflow", pk(page), const(action)),
        expect,
        "post",
        lambda w: {key: value(w) if callable(value) else value for key, value in data.items()},
        writes,
    )


# A refused transition is reported on the change page (302), and changes nothing.
TRANSITION = cells(EDITORS, ok="302")
# A step that asks first: its confirmation page for those who may take it.
ASKS_FIRST = TRANSITION | dict.fromkeys(REVIEWERS, "200")


def _version_in_review(page: str) -> dict:
    """The hidden fields of a decision form opened on the version of ``page`` now in review."""

    def field(name: str) -> Callable[[SimpleNamespace], str]:
        def value(w: SimpleNamespace) -> str:
            version = workflow.reviewed_version(getattr(w, page))
            return str(version.revision_id if name == "reviewed_revision" else version.content_hash)

        return value

    return {name: field(name) for name in ("reviewed_revision", "reviewed_hash")}


IN_REVIEW = _version_in_review("review")
OWN_EDIT = _version_in_review("own_edit")
STALE = {
    name: (lambda w, name=name: w.stale_version[name]) for name in ("reviewed_revision", "reviewed_hash")
}

SPECIAL_ROWS = [
    # Public pages: anonymous GETs, the same for everybody; drafts are never public.
    Row("home", url("home"), everyone("200")),
    Row("home: POST", url("home"), everyone("405"), "post"),
    Row("A to Z", url("conditions:index"), everyone("200")),
    Row("search", url("conditions:search"), everyone("200")),
    Row("live page", url("conditions:detail", lambda w: w.live.slug), everyone("200")),
    Row("live page: POST", url("conditions:detail", lambda w: w.live.slug), everyone("405"), "post"),
    Row("draft page is not public", url("conditions:detail", lambda w: w.draft.slug), everyone("404")),
    Row("question", url("conditions:question", lambda w: w.live.slug, lambda w: w.question), everyone("200")),
    Row("public history", url("conditions:history", lambda w: w.live.slug), everyone("200")),
    Row("publication", url("conditions:publication", lambda w: w.live.slug, const(1)), everyone("200")),
    Row("sitemap", url("sitemap"), everyone("200")),
    Row("feed", url("feed-updates"), everyone("200")),
    Row("health check", url("healthz"), everyone("200")),
    Row("readiness check", url("readyz"), everyone("200")),
    Row("robots.txt", url("robots-txt"), everyone("200")),
    # The Infobutton service and its web application: anonymous GETs, like the public pages.
    *[
        Row(f"Infobutton {name}{what}", _with_query(name, query), everyone(outcome), method)
        for name in ("infobutton-service", "infobutton-application")
        for what, query, outcome, method in (
            ("", "mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=E34.0", "200", "get"),
            (": no code", "", "400", "get"),
            (": POST", "", "405", "post"),
        )
    ],
    # The API is read-only for everybody, logged in or not.
    Row("API list", url("conditions:api-list"), everyone("200")),
    Row("API detail", url("conditions:api-detail", lambda w: w.live.slug), everyone("200")),
    Row("API changes", url("conditions:api-changes"), everyone("200")),
    Row("API description (OpenAPI)", url("conditions:api-openapi"), everyone("200")),
    Row("API description page", url("conditions:api-docs"), everyone("200")),
    Row("API description page: POST", url("conditions:api-docs"), everyone("405"), "post"),
    *[
        Row(f"API {what}: {method.upper()}", address, everyone("405"), method)
        for what, address in (
            ("list", url("conditions:api-list")),
            ("detail", url("conditions:api-detail", lambda w: w.live.slug)),
            ("description", url("conditions:api-openapi")),
        )
        for method in ("post", "put", "patch", "delete")
    ],
    # The editor's Markdown endpoints: POST only, staff with change_condition only. A user who
    # is logged in but not staff is refused there, not sent to log in again.
    Row("editor preview: GET", url("editor-preview"), everyone("405")),
    # The content checks (advice, nothing written): any staff, through the admin's login.
    Row("content checks: GET", url("editor-content-checks"), cells(ROLES, ok="405")),
    Row(
        "content checks",
        url("editor-content-checks"),
        cells(STAFF_ROLES),
        "post",
        const({"field": "a", "label": "A", "text": "Hello hypertension"}),
    ),
    Row(
        "editor preview",
        url("editor-preview"),
        cells(EDITORS, logged_out="403") | {ANONYMOUS: LOGIN},
        "post",
        const({"content": "Hello [@lee2019]"}),
    ),
    Row(
        "editor page preview",
        url("editor-page-preview"),
        cells(EDITORS, logged_out="403") | {ANONYMOUS: LOGIN},
        "post",
        const({"field": "a", "text": "Hello"}),
    ),
    Row(
        "editor upload (never accepted)",
        url("editor-upload"),
        cells(EDITORS, ok="400", logged_out="403") | {ANONYMOUS: LOGIN},
        "post",
    ),
    # The image picker: staff who may insert images or edit pages. The upload here has no file,
    # so it is refused as incomplete and writes nothing (tests/conditions/admin/test_images.py
    # uploads real ones).
    Row(
        "image picker search",
        url("editor-image-search"),
        cells(EDITORS, logged_out="403") | {ANONYMOUS: LOGIN},
    ),
    Row("image picker search: POST", url("editor-image-search"), everyone("405"), "post"),
    Row("image picker upload: GET", url("editor-image-upload"), everyone("405")),
    Row(
        "image picker upload",
        url("editor-image-upload"),
        cells(EDITORS, ok="400", logged_out="403") | {ANONYMOUS: LOGIN},
        "post",
        const({"title": "Knee", "alt": "A knee.", "licence": "cc0-1.0"}),
    ),
    # The edit page's heartbeat (who else has the page open) answers JSON to everybody, a
    # visitor included, and records a session only for those who may edit pages.
    Row("editing session: GET", url("editor-editing-session", pk("draft")), everyone("405")),
    Row(
        "editing session",
        url("editor-editing-session", pk("draft")),
        cells(EDITORS, logged_out="403"),
        "post",
        const({"lock_version": "0"}),
        EDITORS,
    ),
    # "Keep my text on the newer version" after a stale save: the form again, nothing saved.
    Row(
        "condition change: keep my text on the newer version",
        url("admin:conditions_condition_change", pk("draft")),
        cells(EDITORS),
        "post",
        lambda w: _condition_form(w.draft, summary="Typed meanwhile.", _keep_my_text="1"),
    ),
    # The admin site's own pages.
    Row("admin home", url("admin:index"), cells(ROLES)),
    Row("admin login", url("admin:login"), cells(NOBODY, refused="302", logged_out="200")),
    # Logged-out visitors are sent to the admin's home (and from there to log in).
    Row("admin logout: GET", url("admin:logout"), cells(ROLES, ok="405", logged_out="302")),
    # Logging out is logged (django-axes notes the time).
    Row("admin logout", url("admin:logout"), cells(ROLES, logged_out="302"), "post", writes=STAFF_ROLES),
    Row("password change", url("admin:password_change"), cells(ROLES)),
    # Everyone's own preferences, and only their own: the address names nobody.
    Row("your preferences", url("preferences"), cells(ROLES)),
    Row(
        "your preferences: save",
        url("preferences"),
        cells(ROLES, ok="302"),
        "post",
        const({"time_zone": "Asia/Tokyo"}),
        STAFF_ROLES,
    ),
    Row("password change done", url("admin:password_change_done"), cells(ROLES)),
    Row("JavaScript catalogue", url("admin:jsi18n"), cells(ROLES)),
    Row(
        "reference picker (autocomplete)",
        lambda w: (
            reverse("admin:autocomplete")
            + "?app_label=references&model_name=conditionreference&field_name=reference&term=lee"
        ),
        cells(EDITORS),
    ),
    # "View on site" only redirects to the object's own address (a draft's is not public).
    Row(
        "view on site",
        lambda w: reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(Condition).pk, w.draft.pk]
        ),
        cells(ROLES, ok="302"),
    ),
    Row("admin app: conditions", url("admin:app_list", const("conditions")), cells(EDITORS, refused="404")),
    Row("admin app: references", url("admin:app_list", const("references")), cells(EDITORS, refused="404")),
    Row("admin app: auth", url("admin:app_list", const("auth")), cells(SUPER, refused="404")),
    Row("admin app: audit", url("admin:app_list", const("audit")), cells(SUPER, refused="404")),
    Row(
        "admin: no such page",
        lambda w: reverse("admin:index") + "no/such/page/",
        cells(NOBODY, refused="404"),
    ),
    Row("review dashboard", url("review-dashboard"), cells(EDITORS)),
    # The condition page's own screens.
    Row("preview", url("admin:conditions_condition_preview", pk("draft")), cells(EDITORS)),
    Row(
        "compare two versions",
        lambda w: (
            reverse("admin:conditions_condition_compare", args=[w.draft.pk])
            + f"?from={w.draft_versions[0].pk}&to={w.draft_versions[-1].pk}"
        ),
        cells(EDITORS),
    ),
    Row("review screen", url("admin:conditions_condition_review", pk("review")), cells(EDITORS)),
    Row(
        "reference list download",
        url("admin:conditions_condition_references_export", pk("draft"), const("bib")),
        cells(EDITORS),
        writes=EDITORS,  # the audit record of the export
    ),
    Row("condition: deleted pages", url("admin:conditions_condition_recoverlist"), cells(EDITORS)),
    Row(
        "condition: recover form",
        url("admin:conditions_condition_recover", pk("deleted_version")),
        cells(EDITORS),
    ),
    # A recovered page comes back as a draft: it goes online only through review.
    Row(
        "condition: recover",
        url("admin:conditions_condition_recover", pk("deleted_version")),
        cells(EDITORS, ok="302"),
        "post",
        writes=EDITORS,
    ),
    Row(
        "condition: old version",
        url("admin:conditions_condition_revision", pk("draft"), lambda w: w.draft_versions[0].pk),
        cells(EDITORS),
    ),
    Row(
        "condition: revert",
        url("admin:conditions_condition_revision", pk("draft"), lambda w: w.draft_versions[0].pk),
        cells(EDITORS, ok="302"),
        "post",
        writes=EDITORS,
    ),
    Row(
        "condition in review: change",
        url("admin:conditions_condition_change", pk("review")),
        cells(NOBODY),
        "post",
        lambda w: _condition_form(w.review, name="Sneaked in"),
    ),
    Row(
        "workflow: GET",
        url("admin:conditions_condition_workflow", pk("draft"), const("submit")),
        cells(ROLES, ok="405"),
    ),
    _workflow("explode", "draft", cells(NOBODY)),
    _workflow("submit", "draft", TRANSITION, EDITORS),
    # The submitter may take their page back, as may a reviewer.
    _workflow("withdraw", "review", TRANSITION, EDITORS),
    _workflow("request_changes", "review", TRANSITION, REVIEWERS, text="Cite the guideline.", **IN_REVIEW),
    _workflow("approve", "review", TRANSITION, REVIEWERS, kind="clinical", attestation=CHECKED, **IN_REVIEW),
    _workflow("approve", "own_edit", TRANSITION, NOBODY, kind="clinical", attestation=CHECKED, **OWN_EDIT),
    # A decision names the version it was made on: on any other, it is refused for everybody.
    _workflow(
        "approve",
        "review",
        TRANSITION,
        NOBODY,
        "stale version",
        kind="clinical",
        attestation=CHECKED,
        **STALE,
    ),
    _workflow("request_changes", "review", TRANSITION, NOBODY, "stale version", text="Cite it.", **STALE),
    _workflow(
        "approve", "review", TRANSITION, NOBODY, "no version named", kind="clinical", attestation=CHECKED
    ),
    _workflow("cancel_schedule", "scheduled", TRANSITION, REVIEWERS),
    # Taking a page offline and withdrawing versions happen only once confirmed: posted without
    # the confirmation page's "confirmed", the step shows that page (200) and changes nothing.
    _workflow("unpublish", "live", TRANSITION, REVIEWERS, text="Superseded.", confirmed="yes"),
    _workflow("unpublish", "live", ASKS_FIRST, NOBODY, "not confirmed", text="Superseded."),
    _workflow(
        "unpublish",
        "revised",
        TRANSITION,
        REVIEWERS,
        text="A dosing error.",
        retract=["1", "2"],
        confirmed="yes",
    ),
    _workflow(
        "retract", "revised", TRANSITION, REVIEWERS, text="A dosing error.", retract=["1"], confirmed="yes"
    ),
    _workflow(
        "retract", "revised", ASKS_FIRST, NOBODY, "not confirmed", text="A dosing error.", retract=["1"]
    ),
    # The confirmation pages themselves: GET only; a person who may not take the step is told
    # why on the edit page (302); a step without a confirmation page has none.
    Row(
        "workflow confirmation page (unpublish)",
        url("admin:conditions_condition_workflow_confirm", pk("live"), const("unpublish")),
        cells(REVIEWERS) | {EDITOR: "302"},
    ),
    Row(
        "workflow confirmation page (retract)",
        url("admin:conditions_condition_workflow_confirm", pk("revised"), const("retract")),
        cells(REVIEWERS) | {EDITOR: "302"},
    ),
    Row(
        "workflow confirmation page (submit has none)",
        url("admin:conditions_condition_workflow_confirm", pk("draft"), const("submit")),
        cells(NOBODY),
    ),
    Row(
        "workflow confirmation page: POST",
        url("admin:conditions_condition_workflow_confirm", pk("live"), const("unpublish")),
        cells(ROLES, ok="405"),
        "post",
        const({"text": "Superseded.", "confirmed": "yes"}),
    ),
    # A reference a page in review shows cannot change (the form says why) until it is decided.
    Row(
        "reference shown by a page in review: change",
        url("admin:references_reference_change", pk("reviewed_reference")),
        cells(EDITORS),
        "post",
        lambda w: _reference_form(w.reviewed_reference, title="A forum post", url="https://forum.example/x"),
    ),
    Row(
        "reference shown by a page in review: delete",
        url("admin:references_reference_delete", pk("reviewed_reference")),
        cells(NOBODY),
        "post",
        const({"post": "yes"}),
    ),
    _workflow("confirm_answers", "draft", TRANSITION, EDITORS),
    # References' own screens.
    Row(
        "reference lookup",
        lambda w: reverse("admin:references_reference_lookup") + "?q=lee",
        cells(EDITORS),
    ),
    # Filling the form from a DOI or PMID: nothing pasted asks no service, and is refused (400).
    Row(
        "reference look-up by DOI or PMID",
        lambda w: reverse("admin:references_reference_identifier_lookup") + "?identifier=",
        cells(EDITORS, ok="400"),
    ),
    # Image files from local storage: the same for everybody, read only.
    Row("image file", lambda w: f"/media/{w.image.file.name}", everyone("200")),
    Row("image file: POST", lambda w: f"/media/{w.image.file.name}", everyone("405"), "post"),
    # The image library's history: the one image restored, for those who may change images.
    Row("image: deleted", url("admin:images_image_recoverlist"), cells(EDITORS)),
    Row(
        "image: recover form", url("admin:images_image_recover", pk("deleted_image_version")), cells(EDITORS)
    ),
    Row(
        "image: recover",
        url("admin:images_image_recover", pk("deleted_image_version")),
        cells(EDITORS, ok="302"),
        "post",
        lambda w: _image_form(title="Gone knee"),
        EDITORS,
    ),
    Row(
        "image: old version",
        url("admin:images_image_revision", pk("image"), lambda w: _first_version(w.image)),
        cells(EDITORS),
    ),
    Row(
        "image: revert",
        url("admin:images_image_revision", pk("image"), lambda w: _first_version(w.image)),
        cells(EDITORS, ok="302"),
        "post",
        lambda w: _image_form(),
        EDITORS,
    ),
    Row("reference: deleted", url("admin:references_reference_recoverlist"), cells(EDITORS)),
    Row(
        "reference: recover form",
        url("admin:references_reference_recover", pk("deleted_reference_version")),
        cells(EDITORS),
    ),
    Row(
        "reference: recover",
        url("admin:references_reference_recover", pk("deleted_reference_version")),
        cells(EDITORS, ok="302"),
        "post",
        lambda w: {"key": "gone2001", "kind": "journal-article", "title": "Back"},
        EDITORS,
    ),
    Row(
        "reference: old version",
        url("admin:references_reference_revision", pk("reference"), lambda w: _first_version(w.reference)),
        cells(EDITORS),
    ),
    Row(
        "reference: revert",
        url("admin:references_reference_revision", pk("reference"), lambda w: _first_version(w.reference)),
        cells(EDITORS, ok="302"),
        "post",
        lambda w: _reference_form(w.reference),
        EDITORS,
    ),
    # The reference import page: for those who may add and change references. A preview writes
    # only the session (unwatched); a confirmation without an open preview is refused (409).
    Row("reference import page", url("admin:references_reference_upload"), cells(EDITORS)),
    Row(
        "reference import: preview",
        url("admin:references_reference_upload"),
        cells(EDITORS),
        "post",
        lambda w: {"file": SimpleUploadedFile("refs.ris", b"TY  - BOOK\nTI  - A book\nPY  - 2020\nER  -\n")},
    ),
    Row(
        "reference import: confirm, GET",
        url("admin:references_reference_upload_confirm"),
        cells(ROLES, ok="405"),
    ),
    Row(
        "reference import: confirm with no preview",
        url("admin:references_reference_upload_confirm"),
        cells(EDITORS, ok="409"),
        "post",
        const({"sha256": "0" * 64, "skip_invalid": "1"}),
    ),
    # Users: only superusers, and a password too.
    Row("user: password form", url("admin:auth_user_password_change", pk("member")), cells(SUPER)),
    Row(
        "user: set password",
        url("admin:auth_user_password_change", pk("member")),
        cells(SUPER, ok="302"),
        "post",
        const({"password1": "another pass 7", "password2": "another pass 7"}),
        SUPER,
    ),
]


def _first_version(obj) -> int:
    return Version.objects.get_for_object(obj).order_by("pk").first().pk


def _rows() -> list[Row]:
    rows = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label not in MODEL_ACCESS:  # caught by test_every_admin_model_is_in_the_matrix
            continue
        rows += _model_rows(label, *MODEL_ACCESS[label])
    rows += [
        Row(f"admin app: {app}", url("admin:app_list", const(app)), cells(SUPER, refused="404"))
        for app in ("axes",)
        if apps.is_installed(app)
    ]
    return rows + SPECIAL_ROWS


ROWS = _rows()


# --- running a row ----------------------------------------------------------------------------

# Sessions change with every login and logout.
UNWATCHED = {Session}


def _database() -> dict:
    """Every row of every watched table, all columns, as the database stores them. Plain SQL: the
    ORM's per-query overhead made these reads (two per role and row) most of this file's time."""
    tables = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model in UNWATCHED:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 (names from the model registry)
            tables[model._meta.label] = cursor.fetchall()
    return tables


def _outcome(response) -> str:
    if response.status_code in (301, 302) and response["Location"].startswith(reverse("admin:login")):
        return LOGIN
    return str(response.status_code)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def run(row: Row, world: SimpleNamespace) -> tuple[dict, set]:
    outcomes, wrote = {}, set()
    for role in ROLES:
        with transaction.atomic():
            client = _client(world.users[role])
            before = _database()
            data = row.data(world) if row.data else {}
            response = getattr(client, row.method)(row.url(world), data)
            outcomes[role] = _outcome(response)
            if _database() != before:
                wrote.add(role)
            transaction.set_rollback(True)
    return outcomes, wrote


class TestMatrix:
    """The rows, run against one world (made once, for this class only)."""

    @pytest.mark.parametrize("row", ROWS, ids=str)
    def test_row(self, row, world):
        outcomes, wrote = run(row, world)
        assert outcomes == row.expect
        assert wrote == set(row.writes), "whose request changed the database"

    def test_every_url_is_in_the_matrix(self, world):
        covered = {resolve(row.url(world).split("?")[0]).route for row in ROWS}
        assert _routes(get_resolver()) - covered == set(), "add these URLs to the matrix"


# --- the table is complete --------------------------------------------------------------------


def _routes(resolver: URLResolver, prefix: str = "") -> set[str]:
    routes = set()
    for pattern in resolver.url_patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        routes |= _routes(pattern, route) if isinstance(pattern, URLResolver) else {route}
    return routes


def test_every_admin_model_is_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MODEL_ACCESS)


def test_every_workflow_action_of_the_admin_is_in_the_matrix():
    tested = {row.name.split()[1] for row in SPECIAL_ROWS if row.name.startswith("workflow ")}
    assert set(workflow.TRANSITIONS) <= tested


# --- four eyes: nobody approves a version they edited or submitted, whatever door they try ----


def _approve_form(**extra) -> dict:
    return {"kind": "clinical", "attestation": CHECKED, **extra}


def _workflow_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def _edited_by_reviewer_and_submitted(editor, reviewer) -> Condition:
    condition = make_condition(editor)
    _edit(condition, reviewer)
    workflow.submit(condition, by=editor)
    return condition


def test_a_crafted_post_naming_another_reviewer_cannot_approve_your_own_edit(
    client, editor, reviewer, reviewer2
):
    condition = _edited_by_reviewer_and_submitted(editor, reviewer)
    client.force_login(reviewer)
    names = ("by", "actor", "user", "user_id", "approved_by", "reviewer", "updated_by")
    crafted = _approve_form(**dict.fromkeys(names, reviewer2.pk))
    page = client.post(_workflow_url(condition, "approve"), crafted, follow=True).content.decode()
    assert "another medical reviewer must approve it" in page
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW and not condition.publications.exists()


def test_reverting_a_page_counts_as_editing_it(client, editor, reviewer):
    condition = make_condition(editor, sections=[("overview", "First words.")])
    _edit(condition, editor)
    first = Version.objects.get_for_object(condition).order_by("pk").first()
    client.force_login(reviewer)
    client.post(reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk]))
    workflow.submit(condition, by=editor)
    with pytest.raises(workflow.WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)


def test_the_change_form_cannot_set_the_workflow_fields(client, editor, reviewer):
    live = make_condition(editor, "Live page")
    publication = publish(live, editor=editor, reviewer=reviewer)
    draft = make_condition(editor, "Draft page")
    form = admin.site._registry[Condition].get_form(_request(editor), draft)
    workflow_fields = {
        "status",
        "live_publication",
        "scheduled_publication",
        "last_reviewed_on",
        "next_review_due",
    }
    assert workflow_fields.isdisjoint(form.base_fields)

    client.force_login(editor)
    smuggled = {
        "status": Status.PUBLISHED,
        "live_publication": publication.pk,
        "scheduled_publication": publication.pk,
        "last_reviewed_on": "2026-01-01",
        "next_review_due": "2030-01-01",
        "lock_version": 99,
    }
    change = reverse("admin:conditions_condition_change", args=[draft.pk])
    assert client.post(change, {**_condition_form(draft), **smuggled}).status_code == 302
    add = reverse("admin:conditions_condition_add")
    new = Condition(name="Smuggled page", slug="smuggled-page", summary="S")
    assert client.post(add, {**_condition_form(new), **smuggled}).status_code == 302
    for condition in Condition.objects.filter(slug__in=[draft.slug, "smuggled-page"]):
        assert condition.status == Status.DRAFT
        assert condition.live_publication is None and condition.scheduled_publication is None
        assert condition.last_reviewed_on is None and condition.lock_version < 99
    assert client.get(reverse("conditions:detail", args=["smuggled-page"])).status_code == 404


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_reverting_to_a_scheduled_version_cannot_put_an_unpublished_page_back_online(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    soon = timezone.now() + timedelta(days=1)
    workflow.approve(condition, by=reviewer, attestation=CHECKED, go_live_at=soon)
    approved = condition.review_events.get(action="approve").revision
    later = soon + timedelta(hours=1)
    workflow.publish_scheduled(by=reviewer, now=later)
    workflow.unpublish(condition, by=reviewer, reason="Unsafe advice.")
    version = Version.objects.get_for_object(condition).get(revision=approved)

    history.revert(version, by=editor)
    condition.refresh_from_db()
    assert condition.scheduled_publication is None and condition.live_publication is None
    assert workflow.publish_scheduled(by=reviewer, now=later) == []
    condition.refresh_from_db()
    assert condition.live_publication is None


def test_reverting_a_reference_leaves_the_pages_saved_with_it_alone(client, editor, reviewer):
    """An import saves a page and its references in one revision; restoring one of those
    references must not restore the page (its content, or its place on the public site)."""
    reference = make_reference("lee2019", title="Old title")
    condition = make_condition(editor, "Imported page")
    publish(condition, editor=editor, reviewer=reviewer)
    with reversion.create_revision():  # as conditions/importing/writing.py writes a re-import
        reversion.set_user(editor)
        reference.save()
        _edit(condition, editor)
    version = Version.objects.get_for_object(reference).get()
    workflow.unpublish(condition, by=reviewer, reason="Unsafe advice.")
    condition.refresh_from_db()
    before = Condition.objects.filter(pk=condition.pk).values().get()

    client.force_login(editor)
    url = reverse("admin:references_reference_revision", args=[reference.pk, version.pk])
    assert client.post(url, {**_reference_form(reference), "title": "Restored title"}).status_code == 302
    assert Reference.objects.get(pk=reference.pk).title == "Restored title"
    assert Condition.objects.filter(pk=condition.pk).values().get() == before
    assert client.get(condition.get_absolute_url()).status_code == 410


def test_a_page_history_screen_takes_only_that_page_versions(client, editor):
    reference = make_reference("lee2019")
    with reversion.create_revision():
        reference.save()
    other = Version.objects.get_for_object(reference).get()
    client.force_login(editor)
    revision = reverse("admin:conditions_condition_revision", args=[other.object_id, other.pk])
    recover = reverse("admin:conditions_condition_recover", args=[other.pk])
    for address in (revision, recover):
        assert client.get(address).status_code == 404
        assert client.post(address).status_code == 404
