"""The audit trail: every state change leaves a record with its actor and time, written in the
same transaction as the change (so no change is committed without one).

Workflow transitions are logged as ReviewEvents; everything else (revert, recover, delete,
import, export, changes of who may do what) as AuditRecords.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions import history, workflow
from conditions.content import ConditionData, write_condition
from conditions.models import Condition, Publication, ReviewEvent, ShortAnswer, system_user
from medsite import audit
from medsite.audit.admin import AuditedGroupAdmin, AuditedUserAdmin, AuditRecordAdmin
from medsite.audit.models import AuditRecord
from references.models import Reference
from tests.factories import CHECKED, make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

Action = AuditRecord.Action


@pytest.fixture
def people(editor, reviewer):
    return SimpleNamespace(editor=editor, reviewer=reviewer, system=system_user())


class Boom(RuntimeError):
    """The log could not be written."""


def _boom(*args, **kwargs):
    raise Boom("the log is down")


def _only_record(**filters) -> AuditRecord:
    return AuditRecord.objects.get(**filters)


def _recent(moment_before) -> dict:
    return {"created_at__gte": moment_before, "created_at__lte": timezone.now()}


# --- workflow transitions: the ReviewEvent is their record ----------------------------------


def _transitions() -> set[str]:
    """Every public function of conditions/workflow.py that acts for someone (takes ``by``)."""
    names = set()
    for name, function in inspect.getmembers(workflow, inspect.isfunction):
        if function.__module__ != workflow.__name__ or name.startswith("_"):
            continue
        by = inspect.signature(function).parameters.get("by")
        if by is not None and by.kind is inspect.Parameter.KEYWORD_ONLY:
            names.add(name)
    return names


LATER = timedelta(days=2)


def _draft(p):
    return make_condition(p.editor, short_answers=[("Is it common?", "Yes.", "")])


def _in_review(p):
    condition = _draft(p)
    workflow.submit(condition, by=p.editor)
    return condition


def _published(p):
    condition = _draft(p)
    publish(condition, editor=p.editor, reviewer=p.reviewer)
    return condition


def _revised(p):
    """Live in its second version, so the first can be withdrawn from the archive."""
    condition = _published(p)
    _edit(condition, p)
    publish(condition, editor=p.editor, reviewer=p.reviewer)
    return condition


def _scheduled(p):
    condition = _in_review(p)
    workflow.approve(condition, by=p.reviewer, attestation=CHECKED, go_live_at=timezone.now() + timedelta(1))
    return condition


def _flagged(p):
    condition = _draft(p)
    answer = condition.short_answers.get()
    answer.needs_review = True
    answer.save()
    return condition


def _edit(condition, p):
    # save_draft runs inside its caller's transaction and revision: here, the programmatic edit's.
    data = ConditionData(name="Renamed syndrome", slug=condition.slug)
    write_condition(data, by=p.editor, comment="Renamed")


@dataclass(frozen=True)
class Transition:
    setup: object  # people -> condition in the starting state
    run: object  # (condition, people) -> None
    action: str  # the ReviewEvent it writes
    actor: str  # who acts, by attribute of ``people``


TRANSITIONS = {
    "save_draft": Transition(_draft, _edit, ReviewEvent.Action.EDIT, "editor"),
    "submit": Transition(
        _draft, lambda c, p: workflow.submit(c, by=p.editor), ReviewEvent.Action.SUBMIT, "editor"
    ),
    "withdraw": Transition(
        _in_review, lambda c, p: workflow.withdraw(c, by=p.editor), ReviewEvent.Action.WITHDRAW, "editor"
    ),
    "request_changes": Transition(
        _in_review,
        lambda c, p: workflow.request_changes(c, by=p.reviewer, comment="Cite the guideline."),
        ReviewEvent.Action.REQUEST_CHANGES,
        "reviewer",
    ),
    "approve": Transition(
        _in_review,
        lambda c, p: workflow.approve(c, by=p.reviewer, attestation=CHECKED),
        ReviewEvent.Action.APPROVE,
        "reviewer",
    ),
    "go_live": Transition(
        _scheduled,
        lambda c, p: workflow.go_live(c, by=p.system, now=timezone.now() + LATER),
        ReviewEvent.Action.GO_LIVE,
        "system",
    ),
    "publish_scheduled": Transition(
        _scheduled,
        lambda c, p: workflow.publish_scheduled(by=p.system, now=timezone.now() + LATER),
        ReviewEvent.Action.GO_LIVE,
        "system",
    ),
    "cancel_schedule": Transition(
        _scheduled,
        lambda c, p: workflow.cancel_schedule(c, by=p.reviewer),
        ReviewEvent.Action.CANCEL_SCHEDULE,
        "reviewer",
    ),
    "unpublish": Transition(
        _published,
        lambda c, p: workflow.unpublish(c, by=p.reviewer, reason="Superseded by new guidance."),
        ReviewEvent.Action.UNPUBLISH,
        "reviewer",
    ),
    "retract": Transition(
        _revised,
        lambda c, p: workflow.retract(c, by=p.reviewer, numbers=[1], reason="A dosing error."),
        ReviewEvent.Action.RETRACT,
        "reviewer",
    ),
    "confirm_short_answers": Transition(
        _flagged,
        lambda c, p: workflow.confirm_short_answers(c, by=p.editor),
        ReviewEvent.Action.CONFIRM_ANSWERS,
        "editor",
    ),
}


def test_the_table_lists_every_transition_and_every_logged_action():
    assert set(TRANSITIONS) == _transitions(), "a workflow function that acts for someone is not tested here"
    assert {t.action for t in TRANSITIONS.values()} == set(ReviewEvent.Action.values)


def _state(condition: Condition) -> dict:
    """Everything a transition may change, as stored."""
    return {
        "condition": Condition.objects.filter(pk=condition.pk).values().get(),
        "publications": list(Publication.objects.filter(condition=condition).values()),
        "answers": list(ShortAnswer.objects.filter(condition=condition).values()),
        "events": list(ReviewEvent.objects.filter(condition=condition).values_list("pk", flat=True)),
        "versions": Version.objects.get_for_object(condition).count(),
    }


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_transition_writes_its_review_event_with_actor_and_time(name, people):
    transition = TRANSITIONS[name]
    condition = transition.setup(people)
    before = timezone.now()
    transition.run(condition, people)
    event = ReviewEvent.objects.filter(condition=condition).order_by("-id").first()
    assert event.action == transition.action
    assert event.actor == getattr(people, transition.actor)
    assert before <= event.created_at <= timezone.now()


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_no_transition_happens_without_its_record(name, people, monkeypatch):
    transition = TRANSITIONS[name]
    condition = transition.setup(people)
    before = _state(condition)
    monkeypatch.setattr(ReviewEvent, "save", _boom)
    with pytest.raises(Boom):
        transition.run(condition, people)
    assert _state(condition) == before


# --- revert and recover ----------------------------------------------------------------------


def test_revert_through_the_admin_is_recorded(client, editor, editor2):
    condition = make_condition(editor, sections=[("overview", "First words.")])
    first = Version.objects.get_for_object(condition).order_by("pk").first()
    write_condition(ConditionData(name="Changed", slug=condition.slug), by=editor, comment="edit")
    client.force_login(editor2)
    before = timezone.now()
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    assert client.post(url, {}).status_code == 302
    record = _only_record(action=Action.REVERT, **_recent(before))
    assert record.actor == editor2
    assert (record.content_type.model_class(), record.object_id) == (Condition, str(condition.pk))
    assert record.details["version"] == first.pk


def test_a_revert_whose_record_fails_is_undone(editor, monkeypatch):
    condition = make_condition(editor, sections=[("overview", "First words.")])
    first = Version.objects.get_for_object(condition).order_by("pk").first()
    write_condition(ConditionData(name="Changed", slug=condition.slug), by=editor, comment="edit")
    state = _state(condition)
    monkeypatch.setattr(AuditRecord, "save", _boom)
    with pytest.raises(Boom):
        history.revert(first, by=editor)
    assert _state(condition) == state


def test_delete_and_recover_of_a_page_are_recorded(client, editor, superuser):
    condition = make_condition(editor, name="Deleted by mistake")
    pk = condition.pk
    client.force_login(superuser)
    before = timezone.now()
    client.post(reverse("admin:conditions_condition_delete", args=[pk]), {"post": "yes"})
    deleted = _only_record(action=Action.DELETE, **_recent(before))
    assert deleted.actor == superuser
    assert deleted.target == "Deleted by mistake" and deleted.object_id == str(pk)
    assert deleted.details == {"slug": condition.slug, "status": "draft"}

    version = Version.objects.get_deleted(Condition).get(object_id=str(pk))
    client.force_login(editor)
    client.post(reverse("admin:conditions_condition_recover", args=[version.pk]), {})
    recovered = _only_record(action=Action.RECOVER)
    assert recovered.actor == editor and recovered.object_id == str(pk)


def test_a_delete_whose_record_fails_deletes_nothing(client, editor, superuser, monkeypatch):
    condition = make_condition(editor)
    monkeypatch.setattr(AuditRecord, "save", _boom)
    client.force_login(superuser)
    client.raise_request_exception = True
    with pytest.raises(Boom):
        client.post(reverse("admin:conditions_condition_delete", args=[condition.pk]), {"post": "yes"})
    assert Condition.objects.filter(pk=condition.pk).exists()


def test_deleting_several_pages_at_once_records_each(client, editor, superuser):
    pages = [make_condition(editor, name=name) for name in ("Alpha pox", "Beta fever")]
    client.force_login(superuser)
    client.post(
        reverse("admin:conditions_condition_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in pages], "post": "yes"},
    )
    assert not Condition.objects.filter(pk__in=[p.pk for p in pages]).exists()
    records = AuditRecord.objects.filter(action=Action.DELETE, actor=superuser)
    assert sorted(records.values_list("target", flat=True)) == ["Alpha pox", "Beta fever"]


def test_reference_delete_revert_and_recover_are_recorded(client, editor, superuser):
    reference = make_reference("smith2020", title="First title")
    _save_reference(reference, editor)
    _save_reference(reference, editor, title="Second title")
    first = Version.objects.get_for_object(reference).order_by("pk").first()
    client.force_login(editor)
    url = reverse("admin:references_reference_revision", args=[reference.pk, first.pk])
    assert client.post(url, reference_form(first)).status_code == 302
    reference.refresh_from_db()
    assert reference.title == "First title"
    assert _only_record(action=Action.REVERT).actor == editor

    client.force_login(superuser)
    client.post(reverse("admin:references_reference_delete", args=[reference.pk]), {"post": "yes"})
    assert _only_record(action=Action.DELETE).details["key"] == "smith2020"

    version = Version.objects.get_deleted(Reference).get(object_id=str(reference.pk))
    url = reverse("admin:references_reference_recover", args=[version.pk])
    assert client.post(url, reference_form(version)).status_code == 302
    assert Reference.objects.filter(key="smith2020").exists()
    assert _only_record(action=Action.RECOVER).actor == superuser


def _save_reference(reference: Reference, user, **fields) -> None:
    with reversion.create_revision():
        reversion.set_user(user)
        for name, value in fields.items():
            setattr(reference, name, value)
        reference.save()


def reference_form(version: Version) -> dict:
    """The reference admin form as posted back filled from ``version``."""
    readonly = {"id", "original_text", "created_at", "updated_at"}
    return {
        name: "" if value is None else value
        for name, value in version.field_dict.items()
        if name not in readonly
    }


# --- import and export -----------------------------------------------------------------------


def test_import_condition_is_recorded_under_the_system_user(import_case):
    before = timezone.now()
    call_command("import_condition", str(import_case.page_file), stdout=StringIO())
    record = _only_record(action=Action.IMPORT, **_recent(before))
    assert record.actor == system_user()
    condition = Condition.objects.get()
    assert record.details["files"] == [import_case.page_file.name]
    assert record.details["created"] == [condition.slug]


def test_a_dry_run_imports_nothing_and_records_nothing(import_case):
    call_command("import_condition", str(import_case.page_file), "--dry-run", stdout=StringIO())
    assert not AuditRecord.objects.exists()


def test_an_import_whose_record_fails_writes_nothing(import_case, monkeypatch):
    system_user()
    monkeypatch.setattr(AuditRecord, "save", _boom)
    with pytest.raises(Boom):
        call_command("import_condition", str(import_case.page_file), stdout=StringIO())
    assert not Condition.objects.exists() and not Reference.objects.exists()


RIS = """TY  - JOUR
AU  - Ford, Alexander C.
TI  - Functional dyspepsia
JO  - Lancet
PY  - 2020
DO  - 10.1016/S0140-6736(20)30469-4
ER  -
"""


def test_import_references_is_recorded(tmp_path):
    path = tmp_path / "library.ris"
    path.write_text(RIS, encoding="utf-8")
    before = timezone.now()
    call_command("import_references", str(path), stdout=StringIO())
    record = _only_record(action=Action.IMPORT, **_recent(before))
    assert record.actor == system_user()
    assert record.details["file"] == "library.ris"
    assert record.details["created"] == [Reference.objects.get().key]


def test_a_backup_export_is_recorded(editor, tmp_path):
    make_condition(editor)
    path = tmp_path / "site.jsonl"
    before = timezone.now()
    call_command("export_conditions", "--output", str(path), stdout=StringIO())
    record = _only_record(action=Action.EXPORT, **_recent(before))
    assert record.actor == system_user()
    assert record.details["file"] == str(path) and record.details["counts"]["conditions.condition"] == 1


def test_a_refused_restore_records_nothing(editor, tmp_path):
    make_condition(editor)
    path = tmp_path / "site.jsonl"
    call_command("export_conditions", "--output", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_conditions", str(path), stdout=StringIO())
    assert not AuditRecord.objects.filter(action=Action.IMPORT).exists()


def test_reference_export_download_is_recorded(client, reviewer, editor):
    make_reference("lee2019")
    condition = make_condition(editor, sections=[("overview", "Shown [@lee2019].")])
    client.force_login(reviewer)
    before = timezone.now()
    url = reverse("admin:conditions_condition_references_export", args=[condition.pk, "ris"])
    assert client.get(url).status_code == 200
    record = _only_record(action=Action.EXPORT, **_recent(before))
    assert record.actor == reviewer
    assert record.object_id == str(condition.pk)
    assert record.details == {"format": "ris", "references": 1}


def test_a_refused_export_is_not_recorded(client, stranger, editor):
    condition = make_condition(editor)
    client.force_login(stranger)
    client.get(reverse("admin:conditions_condition_references_export", args=[condition.pk, "bib"]))
    assert not AuditRecord.objects.exists()


# --- who may do what: users and roles --------------------------------------------------------


def _user_form(user: User, **changes) -> dict:
    """The user change form as posted back, with ``changes``."""
    # The form shows the join time to the second: store it so, or saving would change it.
    user.date_joined = user.date_joined.replace(microsecond=0)
    user.save(update_fields=["date_joined"])
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        # A field with a callable default carries its first value along, as the page does.
        "initial-date_joined_0": f"{joined:%Y-%m-%d}",
        "initial-date_joined_1": f"{joined:%H:%M:%S}",
        # The person's preferences (medsite/accounts/), left as they are.
        "preferences-TOTAL_FORMS": "0",
        "preferences-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def test_making_someone_a_reviewer_records_before_and_after(client, superuser, stranger):
    reviewers = Group.objects.get(name="Medical reviewers")
    client.force_login(superuser)
    before = timezone.now()
    url = reverse("admin:auth_user_change", args=[stranger.pk])
    response = client.post(url, _user_form(stranger, is_staff="on", groups=[reviewers.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = _only_record(action=Action.PERMISSIONS, **_recent(before))
    assert record.actor == superuser and record.object_id == str(stranger.pk)
    assert record.details["before"] == {"is_staff": False, "groups": []}
    assert record.details["after"] == {"is_staff": True, "groups": ["Medical reviewers"]}
    # Django's own admin log says that something changed, not what: the record above does.
    assert LogEntry.objects.filter(object_id=str(stranger.pk), action_flag=CHANGE, user=superuser).exists()


def test_granting_superuser_or_a_permission_is_recorded(client, superuser, editor):
    permission = Permission.objects.get(codename="review_condition")
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[editor.pk])
    client.post(url, _user_form(editor, is_superuser="on", user_permissions=[permission.pk]))
    record = _only_record(action=Action.PERMISSIONS)
    assert record.details["after"] == {"is_superuser": True, "permissions": ["conditions.review_condition"]}


def test_a_change_of_name_only_is_an_account_change(client, superuser, editor):
    client.force_login(superuser)
    client.post(reverse("admin:auth_user_change", args=[editor.pk]), _user_form(editor, last_name="Smith"))
    record = _only_record(action=Action.ACCOUNT)
    assert record.details == {"change": "changed", "before": {}, "after": {}, "fields": ["last_name"]}


def test_saving_a_user_unchanged_records_nothing(client, superuser, editor):
    client.force_login(superuser)
    client.post(reverse("admin:auth_user_change", args=[editor.pk]), _user_form(editor))
    assert not AuditRecord.objects.exists()


def test_adding_a_user_and_setting_a_password_are_recorded(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42"},
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    added = _only_record(action=Action.ACCOUNT)
    assert added.actor == superuser and added.object_id == str(newbie.pk)
    assert "a long pass phrase" not in str(added.details)

    url = reverse("admin:auth_user_password_change", args=[newbie.pk])
    client.post(url, {"password1": "another pass phrase 7", "password2": "another pass phrase 7"})
    changed = AuditRecord.objects.filter(action=Action.ACCOUNT).order_by("-id").first()
    assert changed.details == {"change": "password set"}


def test_deleting_a_user_records_their_access(client, superuser):
    gone = User.objects.create_user("gone", is_staff=True)
    gone.groups.add(Group.objects.get(name="Editors"))
    client.force_login(superuser)
    client.post(reverse("admin:auth_user_delete", args=[gone.pk]), {"post": "yes"})
    record = _only_record(action=Action.DELETE)
    assert record.target == "gone" and record.details["access"]["groups"] == ["Editors"]


def test_a_role_losing_a_permission_is_recorded(client, superuser):
    editors = Group.objects.get(name="Editors")
    kept = list(editors.permissions.exclude(codename="add_condition").values_list("pk", flat=True))
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_group_change", args=[editors.pk]), {"name": "Editors", "permissions": kept}
    )
    assert response.status_code == 302
    record = _only_record(action=Action.PERMISSIONS)
    assert record.target == "Editors"
    assert record.details["removed"] == ["conditions.add_condition"] and record.details["added"] == []


def test_an_actor_who_left_a_record_cannot_be_deleted(client, superuser, editor):
    condition = make_condition(editor)
    client.force_login(superuser)
    client.post(reverse("admin:conditions_condition_delete", args=[condition.pk]), {"post": "yes"})
    assert AuditRecord.objects.filter(actor=superuser).exists()
    other = User.objects.create_superuser("other", "other@example.org", "correct horse battery")
    client.force_login(other)
    page = client.post(reverse("admin:auth_user_delete", args=[superuser.pk]), {"post": "yes"})
    assert page.status_code == 200 and "Cannot delete user" in page.content.decode()
    assert User.objects.filter(pk=superuser.pk).exists()


# --- the audit log in the admin ----------------------------------------------------------------


def test_superusers_read_the_log_filtered_by_action_and_actor(client, superuser, editor, reviewer):
    condition = make_condition(editor)
    audit.record(Action.EXPORT, actor=editor, target=condition, format="bib")
    audit.record(Action.EXPORT, actor=reviewer, target="a file")
    audit.record(Action.DELETE, actor=superuser, target="Gone page")
    client.force_login(superuser)
    url = reverse("admin:audit_auditrecord_changelist")
    page = client.get(url, {"action__exact": "export"}).content.decode()
    assert condition.name in page and "a file" in page and "Gone page" not in page
    page = client.get(url, {"actor__id__exact": reviewer.pk}).content.decode()
    assert "a file" in page and condition.name not in page
    assert "Gone page" in client.get(url).content.decode()


def test_record_refuses_an_unknown_action(editor):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record("shrug", actor=editor)


def test_the_audit_app_registers_the_log_and_the_audited_user_and_role_screens():
    assert apps.get_app_config("audit").get_model("auditrecord") is AuditRecord
    assert AuditRecord._meta.db_table == "conditions_auditrecord"  # the table the log always had
    assert isinstance(admin.site._registry[AuditRecord], AuditRecordAdmin)
    assert isinstance(admin.site._registry[User], AuditedUserAdmin)
    assert isinstance(admin.site._registry[Group], AuditedGroupAdmin)


# --- the move of the log from the conditions app to its own (conditions 0010, audit 0001) ---------

BEFORE_THE_MOVE = ("conditions", "0009_field_checks")


def _as_migrate_leaves_it() -> None:
    """The log's content type and permissions as ``migrate`` makes them, which a transactional test
    run before this one on the same database may have flushed."""
    content_type, _ = ContentType.objects.get_or_create(app_label="audit", model="auditrecord")
    for action in ("add", "change", "delete", "view"):
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_auditrecord",
            defaults={"name": f"Can {action} audit record"},
        )


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_audit_records_keeps_them_and_their_permissions():
    _as_migrate_leaves_it()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_THE_MOVE, ("audit", None)])
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    content_type = old.get_model("contenttypes", "ContentType").objects.get(model="auditrecord")
    assert content_type.app_label == "conditions"  # audit 0001 undone gives the old label back
    permission = old.get_model("auth", "Permission").objects.get(codename="view_auditrecord")
    auditors = old.get_model("auth", "Group").objects.create(name="Auditors")
    auditors.permissions.add(permission)
    actor = old.get_model("auth", "User").objects.create(username="ada")
    old_record = old.get_model("conditions", "AuditRecord")
    first = old_record.objects.create(actor=actor, action="export", target="Gout", details={"format": "bib"})
    second = old_record.objects.create(actor=actor, action="revert", target="Shingles")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    records = AuditRecord.objects.order_by("pk")
    assert list(records.values_list("pk", "actor__username", "action", "target", "details")) == [
        (first.pk, "ada", "export", "Gout", {"format": "bib"}),
        (second.pk, "ada", "revert", "Shingles", {}),
    ]
    assert ContentType.objects.get_for_model(AuditRecord).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="conditions", model="auditrecord").exists()
    ada = User.objects.get(username="ada")
    ada.groups.add(Group.objects.get(name="Auditors"))
    assert User.objects.get(pk=ada.pk).has_perm("audit.view_auditrecord")
