"""export_conditions / import_conditions: a backup restores the site without loss, or not at all."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions import backup, history, workflow
from conditions.models import Condition, Publication, ReviewerProfile, SearchDocument, SlugHistory
from medsite import audit
from medsite.audit.models import AuditRecord
from references.models import Reference
from tests.conftest import make_migrated_data
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

# --- building a site worth restoring -------------------------------------------------------------


def build_site(editor, editor2, reviewer) -> None:
    """Pages in every state the workflow leaves them, with citations, answers and long histories."""
    make_reference("feldman2021", doi="10.1000/feldman", pmid="12345678")
    make_reference(
        "nhs2023",
        kind=Reference.Kind.WEB_PAGE,
        url="https://www.nhs.uk/x",
        title="NHS page",
        accessed_on=date(2024, 3, 1),
    )
    make_reference("ferri2021", kind=Reference.Kind.BOOK, title="Ferri's Clinical Advisor")

    # Live at version 2 under a new address, with a newer draft in review.
    gout = make_condition(
        editor,
        "Gout",
        sections=[
            ("overview", "Gout is a type of arthritis [@feldman2021]."),
            ("symptoms", "- Sudden joint pain\n- Swelling [@nhs2023, p. 2]"),
            ("treatment", "Anti-inflammatory medicines help [@feldman2021; @ferri2021]."),
        ],
        short_answers=[("What causes gout?", "Uric acid crystals in a joint.", "Details with *emphasis*.")],
        reference_keys=["feldman2021", "nhs2023", "ferri2021"],
        also_called=["Podagra"],
    )
    publish(gout, editor=editor, reviewer=reviewer, comment="First version.")
    _edit(gout, editor2, summary="Gout is painful swelling of a joint.", slug="gout-arthritis")
    publish(gout, editor=editor2, reviewer=reviewer, kind="editorial", comment="Clearer summary.")
    _edit(gout, editor, summary="Gout causes sudden, severe joint pain.")
    workflow.submit(gout, by=editor, comment="Shorter summary.")

    # Never published, with an edit sent back by the reviewer.
    shingles = make_condition(editor2, "Shingles", short_answers=[("Is it contagious?", "Partly.", "")])
    # Imported from a publisher's file: a re-import after a restore must still find this page.
    Condition.objects.filter(pk=shingles.pk).update(import_source="/srv/catalogue/shingles.html")
    workflow.submit(shingles, by=editor2)
    workflow.request_changes(shingles, by=reviewer, comment="Add the vaccine.")
    _edit(shingles, editor2, summary="A painful rash caused by the chickenpox virus.")

    # Published, then taken offline (410).
    gone = make_condition(editor, "Chilblains", reference_keys=["ferri2021"])
    publish(gone, editor=editor, reviewer=reviewer)
    workflow.unpublish(gone, by=reviewer, reason="Being rewritten.")

    # Approved to go live later: a scheduled publication.
    later = make_condition(editor, "Migraine", sections=[("overview", "Repeated headaches [@nhs2023].")])
    publish(later, editor=editor, reviewer=reviewer, go_live_at=timezone.now() + timedelta(days=3))

    # Simply live.
    live = make_condition(editor2, "Plantar fasciitis", summary="Heel pain.")
    publish(live, editor=editor2, reviewer=reviewer)


def _edit(condition: Condition, by, **changes) -> None:
    condition = Condition.objects.get(pk=condition.pk)
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"Edited {', '.join(changes)}")
        for name, value in changes.items():
            setattr(condition, name, value)
        workflow.save_draft(condition, by=by, comment=f"Edited {', '.join(changes)}")
        reversion.add_to_revision(condition)


# --- what a reader, an editor and the database show ------------------------------------------------

_LINK = re.compile(r'href="(/[^"#]*)')
_NOT_PUBLIC = ("/admin/", "/static/", "/editor/", "/media/")
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"|("csrfToken": ")[^"]*"')
# A restored user has this database's id; the link's text names them.
_USER_LINK = re.compile(r'href="/admin/auth/user/\d+/change/"')


def public_pages() -> dict[str, tuple]:
    """Every page an anonymous reader can reach by following links from the home page, and a few
    they reach otherwise (feeds, API, search, the old and the withdrawn addresses)."""
    client = Client()
    todo = ["/", "/sitemap.xml", "/feeds/updates/", "/api/conditions/", "/search/?q=gout"]
    todo += ["/conditions/gout/", "/conditions/chilblains/", "/conditions/migraine/"]
    todo += [f"/api/conditions/{slug}/" for slug in Condition.objects.values_list("slug", flat=True)]
    pages: dict[str, tuple] = {}
    while todo:
        url = todo.pop()
        if url in pages:
            continue
        response = client.get(url)
        body = response.content.decode()
        pages[url] = (response.status_code, response.get("Content-Type"), response.get("Location"), body)
        if response.get("Content-Type", "").startswith("text/html"):
            for link in _LINK.findall(body):
                link = link.replace("&amp;", "&")
                if not link.startswith(_NOT_PUBLIC) and link not in pages:
                    todo.append(link)
    return pages


def admin_pages(user: User) -> dict[str, str]:
    """The history of every page, every pair of its versions compared, a version's own screen and
    the review screen, as a reviewer sees them."""
    client = Client()
    client.force_login(user)
    urls = []
    for condition in Condition.objects.order_by("pk"):
        urls.append(reverse("admin:conditions_condition_history", args=[condition.pk]))
        urls.append(reverse("admin:conditions_condition_review", args=[condition.pk]))
        versions = list(Version.objects.get_for_object(condition).order_by("pk"))
        compare = reverse("admin:conditions_condition_compare", args=[condition.pk])
        urls += [f"{compare}?from={a.pk}&to={b.pk}" for a, b in itertools.pairwise(versions)]
        urls.append(f"{compare}?from={versions[0].pk}&to={versions[-1].pk}")
        urls.append(reverse("admin:conditions_condition_revision", args=[condition.pk, versions[0].pk]))
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = _USER_LINK.sub("…", _CSRF.sub(r"\1\2…", response.content.decode()))
    return pages


def rows() -> dict[str, list]:
    """Every backed-up row, users named by username (their ids are the database's own), and each
    version's data as reversion reads it, users named likewise."""
    usernames = dict(User.objects.values_list("pk", "username"))
    out = {}
    for model in (ReviewerProfile, *backup.MODELS, *backup.APPENDED):
        records = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        if model in (ReviewerProfile, *backup.APPENDED):
            for record in records:
                record.pop("pk")  # given anew on restore
        if model is Version:
            for record in records:
                record["fields"].pop("serialized_data")
        for record in records:  # a many-to-many field is a set: the database keeps no order
            for field in model._meta.many_to_many:
                record["fields"][field.name] = sorted(record["fields"][field.name])
        out[model._meta.label] = records
    out["version data"] = [
        {
            name: usernames.get(value) if name in ("created_by_id", "updated_by_id") else value
            for name, value in version.field_dict.items()
        }
        for version in Version.objects.order_by("pk")
    ]
    out["users"] = sorted(
        User.objects.filter(username__in=["edna", "eric", "rita"]).values_list(
            "username", "first_name", "last_name", "email", "is_staff", "groups__name"
        )
    )
    return out


def everything(viewer: User) -> dict:
    return {"public": public_pages(), "admin": admin_pages(viewer), "rows": rows()}


# --- the round trip ----------------------------------------------------------------------------


@pytest.fixture
def roles(transactional_db):
    """A flush takes the rows the data migrations made with it: make them again the same way."""
    make_migrated_data()


def export(path: Path | None = None) -> str:
    out = StringIO()
    if path is None:
        call_command("export_conditions", stdout=out, stderr=StringIO())
        return out.getvalue()
    call_command("export_conditions", "--output", str(path), stdout=out)
    return path.read_text(encoding="utf-8")


def restore(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_conditions", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_export_flush_import_gives_back_the_same_site(roles, editor, editor2, reviewer, tmp_path):
    build_site(editor, editor2, reviewer)
    before = everything(reviewer)
    assert before["public"]["/conditions/gout/"][0] == 301  # renamed: the old address redirects
    assert before["public"]["/conditions/chilblains/"][0] == 410
    assert len(before["public"]) > 20
    assert sum(" to=" in url or "&to=" in url for url in before["admin"]) >= 10
    path = tmp_path / "site.jsonl"
    export(path)

    call_command("flush", interactive=False, verbosity=0)
    make_migrated_data()
    ContentType.objects.clear_cache()
    caches["default"].clear()
    # A reviewer who already has an account here keeps it (and its password), under another id.
    rita = User.objects.create_user("rita", "rita@example.org", "her own password", is_staff=True)
    rita.groups.add(Group.objects.get(name="Medical reviewers"))
    rita.first_name, rita.last_name = "Rita", "Reviewer"
    rita.save()
    # The empty site's home page is cached now; the restore must retire it.
    assert "Gout" not in Client().get("/").content.decode()

    report = restore(path)

    assert "Restored from site.jsonl" in report
    after = everything(User.objects.get(username="rita"))
    # The restore adds one audit record of its own; everything else is as it was.
    restore_record = after["rows"]["audit.AuditRecord"].pop()
    assert restore_record["fields"]["action"] == "import"
    assert restore_record["fields"]["actor"] == ("medsite-system",)
    for kind, records in before["rows"].items():
        assert after["rows"][kind] == records, kind
    assert after["admin"].keys() == before["admin"].keys()
    for url, page in before["admin"].items():
        assert after["admin"][url] == page, url
    assert after["public"].keys() == before["public"].keys()
    for url, page in before["public"].items():
        assert after["public"][url] == page, url
    # Users: those restored cannot sign in until given a password; those kept are untouched.
    assert not User.objects.get(username="edna").has_usable_password()
    assert User.objects.get(username="rita").check_password("her own password")
    assert "rita" in report and "edna" in report
    # The search index is rebuilt from the live pages.
    assert SearchDocument.objects.count() == Condition.objects.live().count() == 2


@pytest.mark.django_db(transaction=True)
def test_after_a_restore_new_rows_get_free_ids_and_history_still_reverts(
    roles, editor, editor2, reviewer, tmp_path
):
    build_site(editor, editor2, reviewer)
    path = tmp_path / "site.jsonl"
    export(path)
    old_max = {
        model: model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
        for model in backup.MODELS
    }
    call_command("flush", interactive=False, verbosity=0)
    make_migrated_data()
    ContentType.objects.clear_cache()
    restore(path)
    edna, rita = User.objects.get(username="edna"), User.objects.get(username="rita")

    # A new page goes through the whole workflow: every table gets a row after the restored ones.
    new = make_condition(edna, "Frostbite", reference_keys=["feldman2021"])
    publish(new, editor=edna, reviewer=rita)
    assert new.pk > old_max[Condition]
    assert Publication.objects.latest("pk").pk > old_max[Publication]
    assert Version.objects.latest("pk").pk > old_max[Version]
    assert make_reference("new2025").pk > old_max[Reference]

    # Reverting to a restored version brings back that version's content, as a draft.
    shingles = Condition.objects.get(slug="shingles")
    first = Version.objects.get_for_object(shingles).order_by("pk").first()
    history.revert(first, by=edna)
    shingles.refresh_from_db()
    assert shingles.summary == "A condition used in tests."
    assert shingles.status == "draft"
    assert shingles.updated_by == edna
    gout = Condition.objects.get(slug="gout-arthritis")
    assert SlugHistory.objects.get(slug="gout").condition == gout


# --- what a backup holds -----------------------------------------------------------------------


def test_every_model_of_the_content_apps_is_backed_up_or_left_out_on_purpose():
    content = {
        *apps.get_app_config("conditions").get_models(),
        *apps.get_app_config("references").get_models(),
        *apps.get_app_config("audit").get_models(),
    }
    handled = {ReviewerProfile, *backup.MODELS, *backup.APPENDED, *backup.SKIPPED}
    assert content - handled == set()


def test_backup_starts_with_its_format_and_ends_with_its_counts(editor, reviewer, tmp_path):
    condition = make_condition(editor, reference_keys=[make_reference("feldman2021").key])
    publish(condition, editor=editor, reviewer=reviewer)
    lines = [json.loads(line) for line in export().splitlines()]
    header, records, footer = lines[0], lines[1:-1], lines[-1]
    assert header["format"] == "medsite-backup"
    assert header["version"] == backup.FORMAT_VERSION
    assert header["migrations"]["conditions"]
    assert footer == {
        "end": "medsite-backup",
        "counts": {label: sum(r["model"] == label for r in records) for label in footer["counts"]},
    }
    users = [r for r in records if r["model"] == "auth.user"]
    assert {u["fields"]["username"] for u in users} == {"edna", "rita"}
    assert all("password" not in u["fields"] for u in users)
    assert {"conditions.condition", "conditions.publication", "reversion.version"} <= footer["counts"].keys()
    assert not any(r["model"] == "conditions.searchdocument" for r in records)
    # Users and content types by name, everything else by its id.
    condition_record = next(r for r in records if r["model"] == "conditions.condition")
    assert condition_record["fields"]["created_by"] == ["edna"]
    assert next(r for r in records if r["model"] == "reversion.version")["fields"]["content_type"][0] in (
        "conditions",
        "references",
    )


def test_times_keep_their_microseconds(editor, tmp_path):
    condition = make_condition(editor)
    Condition.objects.filter(pk=condition.pk).update(updated_at=timezone.now().replace(microsecond=123456))
    record = next(
        json.loads(line) for line in export().splitlines() if '"model": "conditions.condition"' in line
    )
    assert record["fields"]["updated_at"].endswith(".123456+00:00")


def test_export_to_a_file_reports_the_counts(editor, tmp_path):
    make_condition(editor)
    out = StringIO()
    call_command("export_conditions", "-o", str(tmp_path / "b.jsonl"), stdout=out)
    assert "1 conditions.condition" in out.getvalue()
    assert not list(tmp_path.glob(".*partial"))


# --- what an import refuses --------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in (User, ReviewerProfile, *backup.MODELS)}


@pytest.fixture
def backup_lines(editor, editor2, reviewer, tmp_path) -> list[str]:
    """A real backup's lines, and a database emptied of its content (users stay: they are matched)."""
    build_site(editor, editor2, reviewer)
    lines = export().splitlines(keepends=True)
    empty_content()
    return lines


def empty_content() -> None:
    # In dependency order; what the workflow protects is released first.
    Condition.objects.update(live_publication=None, scheduled_publication=None)
    for model in reversed(backup.MODELS):
        model._base_manager.all().delete()


def _write(tmp_path: Path, lines: list[str], name: str = "backup.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _refused(path: Path, *expected: str) -> str:
    before = counts()
    with pytest.raises(CommandError) as caught:
        restore(path)
    message = str(caught.value)
    assert message.startswith("Nothing was imported.")
    for text in expected:
        assert text in message
    assert counts() == before
    return message


def test_a_whole_backup_restores_into_a_database_whose_users_exist(backup_lines, tmp_path):
    report = restore(_write(tmp_path, backup_lines))
    assert Condition.objects.count() == 5
    assert "Users already here, kept as they were: " in report


def test_a_bad_record_in_the_middle_writes_nothing_and_is_named(backup_lines, tmp_path):
    middle = next(
        i for i, line in enumerate(backup_lines) if '"model": "conditions.section"' in line and i > 10
    )
    record = json.loads(backup_lines[middle])
    record["fields"]["condition"] = 999999
    lines = [*backup_lines[:middle], json.dumps(record) + "\n", *backup_lines[middle + 1 :]]
    _refused(
        _write(tmp_path, lines),
        f"backup.jsonl, line {middle + 1} (conditions.section {record['pk']})",
        "“condition” points to conditions.condition 999999, which is not in the backup",
    )


def test_a_malformed_line_in_the_middle_writes_nothing_and_is_named(backup_lines, tmp_path):
    middle = len(backup_lines) // 2
    lines = [*backup_lines[:middle], '{"model": "conditions.section", "pk": \n', *backup_lines[middle + 1 :]]
    _refused(_write(tmp_path, lines), f"backup.jsonl, line {middle + 1}: is not valid JSON")


def test_a_value_of_the_wrong_type_is_named_with_its_field(backup_lines, tmp_path):
    index = next(i for i, line in enumerate(backup_lines) if '"model": "conditions.publication"' in line)
    record = json.loads(backup_lines[index])
    record["fields"]["approved_at"] = "last Tuesday"
    lines = [*backup_lines[:index], json.dumps(record) + "\n", *backup_lines[index + 1 :]]
    _refused(
        _write(tmp_path, lines), f"line {index + 1} (conditions.publication {record['pk']})", "last Tuesday"
    )


def test_a_user_named_by_id_or_unknown_is_refused(backup_lines, tmp_path):
    index = next(i for i, line in enumerate(backup_lines) if '"model": "conditions.reviewevent"' in line)
    record = json.loads(backup_lines[index])
    for actor, message in ((1, "must be given by name"), (["nobody"], "User matching query does not exist")):
        record["fields"]["actor"] = actor
        lines = [*backup_lines[:index], json.dumps(record) + "\n", *backup_lines[index + 1 :]]
        _refused(_write(tmp_path, lines), f"line {index + 1} (conditions.reviewevent", message)


def test_a_backup_cut_short_at_a_line_end_is_refused(backup_lines, tmp_path):
    _refused(
        _write(tmp_path, backup_lines[: len(backup_lines) // 2]),
        "without the closing line",
        "incomplete",
    )


def test_a_backup_missing_a_record_is_refused_by_its_counts(backup_lines, tmp_path):
    index = next(i for i, line in enumerate(backup_lines) if '"model": "conditions.slughistory"' in line)
    lines = backup_lines[:index] + backup_lines[index + 1 :]
    _refused(_write(tmp_path, lines), "counts 1 conditions.slughistory records but the file has 0")


def test_a_non_empty_database_is_refused(editor, tmp_path):
    make_condition(editor)
    path = _write(tmp_path, export().splitlines(keepends=True))
    _refused(path, "already has content (revisions, conditions, sections", "newly migrated database")


def test_a_backup_from_a_newer_medsite_is_refused(tmp_path):
    newer = {"format": "medsite-backup", "version": backup.FORMAT_VERSION + 1, "migrations": {}}
    _refused(_write(tmp_path, [json.dumps(newer) + "\n"]), "newer MedSite", "format version 2")
    schema = {"format": "medsite-backup", "version": 1, "migrations": {"conditions": "9999_future"}}
    _refused(_write(tmp_path, [json.dumps(schema) + "\n"]), "conditions.9999_future not applied here")


def test_dry_run_checks_everything_and_writes_nothing(backup_lines, tmp_path):
    before = counts()
    report = restore(_write(tmp_path, backup_lines), "--dry-run")
    assert "Would restore" in report and "Dry run: nothing was written." in report
    assert counts() == before


# --- records the admin would refuse ---------------------------------------------------------------


def _altered(backup_lines: list[str], model: str, change) -> tuple[list[str], str]:
    """The lines with the first ``model`` record changed by ``change(record)``, and how the
    refusal names that record: "line N (model pk)"."""
    index = next(i for i, line in enumerate(backup_lines) if f'"model": "{model}"' in line)
    record = json.loads(backup_lines[index])
    change(record)
    named = f"line {index + 1} ({model} {record['pk']})"
    return [*backup_lines[:index], json.dumps(record) + "\n", *backup_lines[index + 1 :]], named


def _set(**fields):
    return lambda record: record["fields"].update(fields)


@pytest.mark.parametrize(
    ("model", "name"),
    [("conditions.condition", "slug"), ("conditions.slughistory", "slug"), ("references.reference", "key")],
)
def test_an_address_that_is_not_a_slug_is_refused(backup_lines, tmp_path, model, name):
    lines, named = _altered(backup_lines, model, _set(**{name: "../../etc/passwd"}))
    _refused(_write(tmp_path, lines), named, f"“{name}”", "Enter a valid “slug”")


def test_an_unknown_status_is_refused(backup_lines, tmp_path):
    lines, named = _altered(backup_lines, "conditions.condition", _set(status="live"))
    _refused(
        _write(tmp_path, lines), named, "“status”", "“live” is not one of draft, expert_review, published"
    )


def test_a_name_with_a_line_break_is_refused(backup_lines, tmp_path):
    lines, named = _altered(backup_lines, "conditions.condition", _set(name="Gout\r\nBcc: all@example.org"))
    _refused(_write(tmp_path, lines), named, "“name”", "U+000D (carriage return)")


def test_a_reference_the_admin_would_refuse_is_refused(backup_lines, tmp_path):
    lines, named = _altered(backup_lines, "references.reference", _set(doi="not a doi"))
    _refused(_write(tmp_path, lines), named, "“doi”", "“not a doi” is not a DOI")


@pytest.mark.parametrize(
    ("model", "change", "name"),
    [
        ("conditions.slughistory", lambda record: record.update(pk=10**30), "id"),
        ("conditions.condition", _set(lock_version=10**30), "lock_version"),
        ("conditions.section", _set(condition=10**30), "condition"),
        ("conditions.shortanswer", _set(position=-1), "position"),
    ],
)
def test_numbers_the_database_cannot_store_are_refused_naming_the_line(
    backup_lines, tmp_path, model, change, name
):
    lines, named = _altered(backup_lines, model, change)
    _refused(_write(tmp_path, lines), named, f"“{name}”")


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("“html”", lambda data: data.update(html=data["html"] + "<script>alert(1)</script>")),
        (
            "“structured_data” (sections 1 html)",
            lambda data: data["structured_data"]["sections"][0].update(
                html='<p onmouseover="alert(1)">Hi</p>'
            ),
        ),
        (
            "“structured_data” (references 1 text)",
            lambda data: data["structured_data"]["references"][0].update(
                text='<a href="javascript:alert(1)">Feldman</a>'
            ),
        ),
    ],
)
def test_frozen_html_the_sanitiser_would_change_is_refused(backup_lines, tmp_path, where, change):
    lines, named = _altered(backup_lines, "conditions.publication", lambda record: change(record["fields"]))
    _refused(_write(tmp_path, lines), named, where, "markup the site does not write")


def test_a_web_reference_stored_without_its_access_date_still_restores(editor, tmp_path):
    # Imports store one (the publish gate asks for the date later); a backup of it must restore.
    make_reference("nhs2024", kind=Reference.Kind.WEB_PAGE, url="https://www.nhs.uk/y", title="NHS")
    make_condition(editor, reference_keys=["nhs2024"])
    lines = export().splitlines(keepends=True)
    empty_content()
    restore(_write(tmp_path, lines))
    assert Reference.objects.get(key="nhs2024").accessed_on is None


# --- backups of older versions -----------------------------------------------------------------


def _as_before_the_audit_app(line: str) -> str:
    """A line as a backup made before the audit log was an app of its own names things: audit
    records, and permissions on them, under the conditions app's label."""
    value = json.loads(line)
    if "migrations" in value:
        value["migrations"].pop("audit")
    if "end" in value:
        value["counts"] = {label.replace("audit.", "conditions."): n for label, n in value["counts"].items()}
    if value.get("model") == "audit.auditrecord":
        value["model"] = "conditions.auditrecord"
    if value.get("model") == "auth.group":
        value["fields"]["permissions"] = [
            [codename, "conditions" if app == "audit" else app, model]
            for codename, app, model in value["fields"]["permissions"]
        ]
    return json.dumps(value) + "\n"


def test_a_backup_naming_audit_records_by_their_old_label_restores(editor, reviewer, tmp_path):
    condition = make_condition(editor)
    audit.record(audit.Action.EXPORT, actor=editor, target=condition, format="bib")
    audit.record(audit.Action.PERMISSIONS, actor=reviewer, target=editor, change="changed")
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_auditrecord"))
    editor.groups.add(auditors)
    lines = [_as_before_the_audit_app(line) for line in export().splitlines(keepends=True)]
    assert sum('"model": "conditions.auditrecord"' in line for line in lines) == 2
    assert any('["view_auditrecord", "conditions", "auditrecord"]' in line for line in lines)
    empty_content()
    AuditRecord.objects.all().delete()
    auditors.delete()

    report = restore(_write(tmp_path, lines))

    assert "2 conditions.auditrecord" in report
    restored = AuditRecord.objects.exclude(action=audit.Action.IMPORT)
    assert sorted(restored.values_list("action", "target", "content_type__app_label")) == [
        ("export", condition.name, "conditions"),
        ("permissions", "edna", "auth"),
    ]
    assert restored.get(action="permissions").object_id == str(editor.pk)
    permission = Group.objects.get(name="Auditors").permissions.get()
    assert (permission.content_type.app_label, permission.codename) == ("audit", "view_auditrecord")
