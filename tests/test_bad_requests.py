"""Malformed, oversized and nonsensical requests get a 4xx and a sentence, never a 500, and write nothing.

Django's test client re-raises a view's exception by default; these tests use a client that
returns the 500 instead, so a crash shows as a status like any other answer.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from conditions import workflow
from conditions.models import Condition, Publication, ReviewEvent, Section
from references.models import Reference
from tests.factories import make_condition, make_reference, publish, reviewed_fields

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
TOO_MANY_FIELDS = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
BAD_400_TEXT = "could not be understood"  # templates/400.html

# Query strings no form of the site would send.
BAD_QUERIES = [
    "q=a&q=b&q=%3Cscript%3E",
    "q=" + "x" * 100_000,
    "page=abc",
    "page=-1",
    f"page={HUGE}",
    "page=1e999",
    "page=%EF%BC%99",  # a full-width digit
    "p=abc",
    f"p={HUGE}",
    "%ff%fe=%ff%fe",
    "q=%ff%fe%00",
    "q=%00",
    "letter=%00%ff",
    "updated_since=garbage",
    "updated_since=2025-13-45",
    "updated_since=2025-02-30T25:61:00",
    "updated_since=9999-12-31T23:59:59-23:59",
    "updated_since=0001-01-01T00:00:00%2B23:59",
    "updated_since=%00",
    "o=zz&ot=sideways",
    "&&&==&=&a==b",
    TOO_MANY_FIELDS,
]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def site(editor, reviewer) -> Condition:
    make_reference("doe2020")
    condition = make_condition(
        editor,
        name="Bad request fever",
        short_answers=[("Is it catching?", "No [@doe2020].", "")],
        reference_keys=["doe2020"],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    return Condition.objects.get(pk=condition.pk)


def _public_urls(condition: Condition) -> list[str]:
    question = condition.live_publication.structured_data["short_answers"][0]["slug"]
    slug = condition.slug
    return [
        "/",
        "/conditions/",
        f"/conditions/{slug}/",
        f"/conditions/{slug}/questions/{question}/",
        f"/conditions/{slug}/history/",
        f"/conditions/{slug}/history/1/",
        "/search/",
        "/api/conditions/",
        f"/api/conditions/{slug}/",
        "/sitemap.xml",
        "/feeds/updates/",
        "/robots.txt",
    ]


def _counts() -> dict[str, int]:
    models = [Condition, Section, Publication, ReviewEvent, Reference, Version]
    return {model.__name__: model.objects.count() for model in models}


def _assert_bad_request_page(response) -> None:
    assert response.status_code == 400
    assert BAD_400_TEXT in response.content.decode()


# --- public pages --------------------------------------------------------------------------


@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: q[:40])
def test_public_pages_answer_bad_query_strings_without_error(client, site, query):
    before = _counts()
    for url in _public_urls(site):
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, response.status_code)
    assert _counts() == before


def test_too_many_parameters_get_the_bad_request_page(client, site):
    # Where the view reads its parameters; a page that reads none ignores them.
    _assert_bad_request_page(client.get(f"/search/?{TOO_MANY_FIELDS}"))
    _assert_bad_request_page(client.get(f"/api/conditions/?{TOO_MANY_FIELDS}"))


def test_api_explains_a_bad_page_or_date(client, site):
    for query, status in [
        ("page=abc", 400),
        ("page=-1", 400),
        (f"page={HUGE}", 404),
        ("updated_since=x", 400),
    ]:
        response = client.get(f"/api/conditions/?{query}")
        assert response.status_code == status
        assert response.json()["error"]
    for query in ["updated_since=2025-13-45", "updated_since=9999-12-31T23:59:59-23:59"]:
        response = client.get(f"/api/conditions/?{query}")
        assert response.status_code == 400
        assert "updated_since" in response.json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/conditions/%ff%fe/",
        "/conditions/a%00b/",
        "/conditions/" + "a" * 5000 + "/",
        "/conditions/x/questions/%ff/",
        "/conditions/x/history/" + HUGE + "/",
        "/api/conditions/%ff%fe/",
        "/%ff%fe%00",
    ],
)
def test_malformed_addresses_are_not_found(client, site, path):
    assert client.get(path).status_code == 404


def test_archived_version_number_too_big_for_the_database_is_not_found(client, site):
    assert client.get(f"/conditions/{site.slug}/history/{HUGE}/").status_code == 404


def test_unknown_host_gets_the_bad_request_page(client):
    _assert_bad_request_page(client.get("/", HTTP_HOST="evil.example"))


# --- admin screens -------------------------------------------------------------------------

ADMIN_LIST_QUERIES = [
    "status=bogus",
    "live=bogus&review_due=bogus",
    "o=garbage",
    "o=99.-98",
    "p=abc",
    "p=-1",
    f"p={HUGE}",
    "unknown=1",
    "name__regex=(",
    "id__in=a,b",
    f"id__in=1,{HUGE}",
    f"id={HUGE}",
    f"condition__id__in={HUGE}",
    "name=%00",
    "name__iregex=[",
    "updated_at__year=99999999",
    "last_reviewed_on__gte=garbage",
    "year=abc&kind=nonsense",
    "q=%00",
    "q=" + "x" * 100_000,
    "e=1",
    "all=&_popup=1",
    "_to_field=password",
    "%ff%fe=%ff",
    TOO_MANY_FIELDS,
]
ADMIN_LISTS = [
    "conditions_condition",
    "conditions_publication",
    "conditions_reviewevent",
    "conditions_reviewerprofile",
    "references_reference",
]


@pytest.mark.parametrize("query", ADMIN_LIST_QUERIES, ids=lambda q: q[:40])
def test_admin_lists_answer_bad_parameters_without_error(client, superuser, site, query):
    client.force_login(superuser)
    for name in ADMIN_LISTS:
        response = client.get(reverse(f"admin:{name}_changelist") + "?" + query)
        assert response.status_code < 500, (name, response.status_code)


def _condition_admin_paths(object_id: str) -> list[str]:
    base = reverse("admin:conditions_condition_changelist")
    return [
        f"{base}{object_id}/change/",
        f"{base}{object_id}/history/",
        f"{base}{object_id}/preview/",
        f"{base}{object_id}/review/",
        f"{base}{object_id}/compare/?from=1&to=2",
        f"{base}{object_id}/references.bib",
        f"{base}{object_id}/delete/",
    ]


@pytest.mark.parametrize("object_id", ["abc", HUGE, "-1", "1.5", "%ff%fe", "%00", "0x1"])
def test_admin_screens_for_a_malformed_or_unknown_id_are_not_errors(client, superuser, site, object_id):
    client.force_login(superuser)
    paths = _condition_admin_paths(object_id)
    paths.append(reverse("admin:references_reference_changelist") + f"{object_id}/change/")
    for path in paths:
        response = client.get(path)
        assert response.status_code in {302, 404}, (path, response.status_code)


def test_admin_preview_of_a_malformed_id_says_not_found(client, superuser):
    client.force_login(superuser)
    response = client.get(_condition_admin_paths("abc")[2])
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["from=abc&to=1", f"from=1&to={HUGE}", "from=-1&to=-2", "from=&to=", "from=1", "from=1&from=2&to=3"],
)
def test_compare_with_bad_version_ids_is_not_an_error(client, superuser, site, query):
    client.force_login(superuser)
    url = reverse("admin:conditions_condition_compare", args=[site.pk])
    assert client.get(f"{url}?{query}").status_code in {302, 404}


def test_compare_of_a_version_with_itself_or_another_pages_version(client, superuser, editor, site):
    other = make_condition(editor, name="Another page")
    mine = Version.objects.get_for_object(site).first().pk
    theirs = Version.objects.get_for_object(other).first().pk
    client.force_login(superuser)
    url = reverse("admin:conditions_condition_compare", args=[site.pk])
    assert client.get(f"{url}?from={mine}&to={mine}").status_code < 500
    assert client.get(f"{url}?from={mine}&to={theirs}").status_code == 404


@pytest.mark.parametrize("version_id", ["abc", HUGE, "-1"])
def test_revision_and_recover_with_bad_version_ids(client, superuser, site, version_id):
    client.force_login(superuser)
    base = reverse("admin:conditions_condition_changelist")
    for path in [f"{base}{site.pk}/history/{version_id}/", f"{base}recover/{version_id}/"]:
        assert client.get(path).status_code in {302, 404}, path
        assert client.post(path).status_code in {302, 404}, path


@pytest.mark.parametrize(
    "query",
    [
        "review_page=abc",
        "drafts_page=-1",
        f"due_page={HUGE}",
        "published_page=%00",
        "answers_page=1e9&scheduled_page=%ff",
        TOO_MANY_FIELDS,
    ],
    ids=lambda q: q[:40],
)
def test_review_dashboard_answers_bad_page_numbers(client, editor, reviewer, site, query):
    for user in (editor, reviewer):
        client.force_login(user)
        assert client.get(reverse("review-dashboard") + "?" + query).status_code < 500


def test_reference_lookup_answers_bad_queries(client, editor, site):
    client.force_login(editor)
    url = reverse("admin:references_reference_lookup")
    for query in ["q=%00", "q=%ff%fe", "q=" + "x" * 100_000, "q=a&q=b", "q=10.%00/x"]:
        assert client.get(f"{url}?{query}").status_code == 200


# --- posts ---------------------------------------------------------------------------------


def _change_form(condition: Condition, **overrides) -> dict:
    sections = list(condition.sections.all())
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": condition.summary,
        "review_interval_months": condition.review_interval_months,
        "lock_version_seen": condition.lock_version,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "short_answers-TOTAL_FORMS": 0,
        "short_answers-INITIAL_FORMS": 0,
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    for n, section in enumerate(sections):
        data |= {
            f"sections-{n}-id": section.pk,
            f"sections-{n}-condition": condition.pk,
            f"sections-{n}-kind": section.kind,
            f"sections-{n}-heading": section.heading,
            f"sections-{n}-body": section.body,
            f"sections-{n}-position": section.position,
        }
    return data | overrides


@pytest.fixture
def draft(editor) -> Condition:
    return make_condition(editor, name="Draft page", summary="As written.")


def _unchanged(condition: Condition, before: dict) -> None:
    assert _counts() == before
    fresh = Condition.objects.get(pk=condition.pk)
    assert (fresh.name, fresh.summary, fresh.lock_version, fresh.status) == (
        condition.name,
        condition.summary,
        condition.lock_version,
        condition.status,
    )
    assert [s.body for s in fresh.sections.all()] == [s.body for s in condition.sections.all()]


def test_a_valid_change_form_post_saves(client, editor, draft):
    # The form the bad posts below are built from is a real one: posted as it is, it saves.
    client.force_login(editor)
    url = reverse("admin:conditions_condition_change", args=[draft.pk])
    response = client.post(url, _change_form(draft, summary="Saved."))
    assert response.status_code == 302
    assert Condition.objects.get(pk=draft.pk).summary == "Saved."


def test_oversized_change_form_post_is_refused_and_writes_nothing(client, editor, draft):
    client.force_login(editor)
    before = _counts()
    url = reverse("admin:conditions_condition_change", args=[draft.pk])
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    _assert_bad_request_page(client.post(url, _change_form(draft, summary=big)))  # multipart
    form = "&".join(f"{k}={quote(str(v))}" for k, v in _change_form(draft, summary=big).items())
    _assert_bad_request_page(client.post(url, form, content_type="application/x-www-form-urlencoded"))
    _unchanged(draft, before)


def test_change_form_post_with_too_many_fields_is_refused_and_writes_nothing(client, editor, draft):
    client.force_login(editor)
    before = _counts()
    url = reverse("admin:conditions_condition_change", args=[draft.pk])
    extra = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    _assert_bad_request_page(client.post(url, _change_form(draft, summary="Changed.", **extra)))
    _unchanged(draft, before)


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=",
        "multipart/form-data",
        "multipart/form-data; boundary=\x00",
        "multipart/form-data; boundary=" + "b" * 5000,
    ],
)
def test_multipart_post_with_a_bogus_boundary_is_refused(client, editor, draft, content_type):
    client.force_login(editor)
    before = _counts()
    url = reverse("admin:conditions_condition_change", args=[draft.pk])
    response = client.post(
        url,
        data=b"--x\r\nContent-Disposition: form-data; name=summary\r\n\r\nhi\r\n--x--",
        content_type=content_type,
    )
    assert 400 <= response.status_code < 500
    _unchanged(draft, before)


def test_post_body_that_is_not_utf8_is_refused_and_writes_nothing(client, editor, draft):
    client.force_login(editor)
    before = _counts()
    url = reverse("admin:conditions_condition_change", args=[draft.pk])
    form = _change_form(draft)
    body = "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in form.items() if k != "summary")
    for summary in (b"%ff%fe%fd", b"caf\xe9"):  # escaped, and raw Latin-1 bytes
        response = client.post(
            url, data=body.encode() + b"&summary=" + summary, content_type="application/x-www-form-urlencoded"
        )
        _assert_bad_request_page(response)
    _unchanged(draft, before)
    # Garbage from end to end: not a form at all.
    response = client.post(
        url, data=b"\xff\xfe\x00\x01=\x80", content_type="application/x-www-form-urlencoded"
    )
    assert 400 <= response.status_code < 500
    _unchanged(draft, before)


def _workflow_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


@pytest.mark.parametrize("action", ["submit", "withdraw", "request_changes", "approve", "unpublish"])
def test_oversized_workflow_posts_are_refused_and_write_nothing(client, editor, draft, action):
    client.force_login(editor)
    before = _counts()
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    _assert_bad_request_page(client.post(_workflow_url(draft, action), {"text": big}))
    extra = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    _assert_bad_request_page(client.post(_workflow_url(draft, action), extra))
    _unchanged(draft, before)


@pytest.mark.parametrize(
    "go_live_at",
    [
        "garbage",
        "2025-13-45 09:00",
        "2025-02-30T25:61",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00+23:59",
        "\x00",
    ],
)
def test_approval_with_a_bad_go_live_time_is_explained(client, editor, reviewer2, draft, go_live_at):
    workflow.submit(draft, by=editor)
    draft.refresh_from_db()
    client.force_login(reviewer2)
    before = _counts()
    data = {
        "kind": "clinical",
        "attestation": ["nonsense"],
        "go_live_at": go_live_at,
        **reviewed_fields(draft),
    }
    response = client.post(_workflow_url(draft, "approve"), data, follow=True)
    assert response.status_code == 200
    [message] = response.context["messages"]
    assert message.level_tag == "error" and "is not a date and time" in message.message
    assert _counts() == before
    assert Condition.objects.get(pk=draft.pk).status == "expert_review"


def test_workflow_with_unknown_action_or_bad_id(client, editor, draft):
    client.force_login(editor)
    base = reverse("admin:conditions_condition_changelist")
    response = client.post(_workflow_url(draft, "explode"))
    assert response.status_code == 403 and "You do not have permission" in response.content.decode()
    for object_id in ["abc", HUGE, "%00"]:
        assert client.post(f"{base}{object_id}/workflow/submit/").status_code == 404
    assert client.get(_workflow_url(draft, "submit")).status_code == 405


@pytest.mark.parametrize(
    "selected", [["abc"], [HUGE], ["-1"], ["%00"], []], ids=["letters", "huge", "negative", "nul", "none"]
)
def test_changelist_action_with_bad_selection(client, superuser, draft, selected):
    client.force_login(superuser)
    before = _counts()
    url = reverse("admin:conditions_condition_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": selected, "index": "x"})
    assert response.status_code < 500
    _unchanged(draft, before)


def test_editor_previews_refuse_oversized_posts(client, editor):
    client.force_login(editor)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for name in ["editor-preview", "editor-page-preview"]:
        _assert_bad_request_page(client.post(reverse(name), {"content": big, "field": "a", "text": big}))
    response = client.post(reverse("editor-page-preview"), {"field": ["a", "b"], "text": ["only one"]})
    assert response.status_code == 400 and response.json()["error"]


def test_oversized_login_post_is_refused(client):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    _assert_bad_request_page(client.post(reverse("admin:login"), {"username": big, "password": "x"}))
