"""The API's OpenAPI description as a contract: valid OpenAPI 3.1, covering every /api/ address,
matched by real responses (each body checked against its schema), enough for a client written
from it alone, and tried by schemathesis with requests it generates."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode, urlsplit

import html5lib
import hypothesis
import jsonschema_rs
import pytest
import reversion
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import OperationalError, close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.definitions import OPENAPI_31

from conditions import workflow
from conditions.codes import verhoeff_valid
from conditions.models import Condition
from conditions.public import api, changes, openapi
from tests.factories import make_condition, make_image, make_reference, publish

pytestmark = pytest.mark.django_db

DESCRIPTION = "/api/openapi.json"


# --- the pages every test reads ----------------------------------------------------------------


def _rename(condition, slug: str, *, by) -> None:
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        condition.slug = slug
        workflow.save_draft(condition, by=by, comment="Renamed")


@pytest.fixture
def site(editor, reviewer):
    """Three live pages (one renamed since it first went live), one taken offline, one draft."""
    make_reference(
        "okoro2019",
        title="Joint pain after gut infections",
        authors="Okoro N\nLindqvist P",
        doi="10.1000/jpgi.2019",
        pmid="23456789",
    )
    make_reference(
        "arthritisorg2025",
        kind="web-page",
        authors="",
        title="Reactive arthritis",
        container_title="Arthritis Help Line",
        url="https://arthritis.example.org/reactive/",
        accessed_on=date(2025, 2, 3),
        year=2025,
    )
    make_image(
        "swollen-knee",
        alt="Drawing of a knee, swollen on one side",
        caption="A swollen knee",
        credit="Jane Doe",
        licence="cc-by-4.0",
        source_url="https://drawings.example.org/knee",
        copyright_notice="© 2025 Jane Doe",
    )
    make_image(
        "red-eye",
        alt="",
        decorative=True,
        credit="",
        licence="all-rights-reserved",
        source_url="https://eyes.example.org/permission/12",
    )
    reactive = make_condition(
        editor,
        name="Reactive arthritis",
        summary="Painful, swollen joints a few weeks after an infection elsewhere in the body.",
        also_called=["Reiter's syndrome"],
        sections=[
            ("overview", "Joints swell after an infection of the gut or bladder [@okoro2019]."),
            (
                "symptoms",
                "- Painful knees\n- Sore, red eyes\n\n![](image:swollen-knee)\n\n![](image:red-eye)",
            ),
        ],
        short_answers=[
            ("Is it contagious?", "No: the *joint* pain is not passed on.", "The infection may be.")
        ],
        reference_keys=["arthritisorg2025"],
        codes=["ICD10CM:M02.3", "MESH:D016918"],
    )
    publish(reactive, editor=editor, reviewer=reviewer)
    bursitis = make_condition(
        editor, name="Bursitis", summary="A swollen, sore fluid sac over a joint.", codes=["ICD10CM:M70.2"]
    )
    publish(bursitis, editor=editor, reviewer=reviewer)
    _rename(bursitis, "bursitis-of-the-elbow", by=editor)
    publish(bursitis, editor=editor, reviewer=reviewer)
    publish(make_condition(editor, name="Écthyma"), editor=editor, reviewer=reviewer)
    offline = make_condition(editor, name="Trench foot")
    publish(offline, editor=editor, reviewer=reviewer)
    workflow.unpublish(offline, by=reviewer, reason="Being rewritten")
    make_condition(editor, name="Acne draft")
    return {
        "live": ["Bursitis", "Reactive arthritis", "Écthyma"],
        "renamed": "bursitis",
        "offline": "trench-foot",
    }


# --- checking a response against the description ----------------------------------------------


def _operation(document: dict, url: str, method: str = "get") -> tuple[str, dict]:
    """The described path that ``url`` is an address of, and its operation."""
    path = urlsplit(url).path
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template, item[method]
    raise AssertionError(f"{path} is not in the description")


def mismatches(document: dict, url: str, response, method: str = "get") -> list[str]:
    """How ``response`` to a request for ``url`` differs from what the description promises: its
    status, its media type and its body against the schema (formats checked)."""
    template, operation = _operation(document, url, method)
    status = str(response.status_code)
    if status not in operation["responses"]:
        status = status[0] + "XX"  # a range: 5XX
    if status not in operation["responses"]:
        status = str(response.status_code)
        return [f"{method.upper()} {template}: status {status} is not described"]
    described = operation["responses"][status]
    problems = [
        f"{method.upper()} {template} {status}: header {name} missing"
        for name, header in described.get("headers", {}).items()
        if header.get("required") and not response.has_header(name)
    ]
    content = described.get("content")
    if content is None:
        return problems
    media_type = response["Content-Type"].split(";")[0].strip()
    if media_type not in content:
        return [*problems, f"{method.upper()} {template} {status}: {media_type} is not described"]
    if media_type != "application/json":
        return problems
    validator = jsonschema_rs.validator_for(
        {**document, **content[media_type]["schema"]}, validate_formats=True
    )
    return problems + [
        f"{method.upper()} {template} {status}: {error.message} at {list(error.instance_path)}"
        for error in validator.iter_errors(response.json())
    ]


@pytest.fixture
def document(client) -> dict:
    return client.get(DESCRIPTION).json()


# --- the description itself ---------------------------------------------------------------------


def test_description_is_served_as_json_with_the_site_address(client):
    response = client.get(DESCRIPTION)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == openapi.description()
    assert response.json()["servers"] == [{"url": "http://testserver", "description": "This site."}]


def test_description_is_valid_openapi_3_1(document):
    errors = [error.message for error in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(document)]

    assert document["openapi"] == "3.1.0"
    assert errors == []


def test_every_schema_in_the_description_is_valid_json_schema(document):
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


def _routes(resolver: URLResolver, starts: tuple[str, ...], prefix: str = "") -> set[str]:
    """The site's addresses that start with one of ``starts``, written as OpenAPI paths."""
    routes = set()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes |= _routes(pattern, starts, route)
        elif isinstance(pattern, URLPattern) and route.startswith(starts):
            routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_every_api_address_is_described(document):
    # /api/docs/ is this description as a page for people, not part of the API; the Infobutton
    # service answers other programs too.
    described = _routes(get_resolver(), ("api/", "infobutton/")) - {"/api/docs/"}
    assert described == set(document["paths"])


def test_a_response_that_strays_from_the_description_is_caught(client, document, site):
    """The check the other tests rely on fails on a field added, a field missing, a wrong type
    and a status the description does not give."""
    response = client.get("/api/conditions/")
    assert mismatches(document, "/api/conditions/", response) == []

    body = response.json()
    body["results"][0]["undescribed"] = "new field"
    del body["results"][1]["slug"]
    body["results"][2]["first_published"] = "yesterday"
    response.content = api._json(body).content
    problems = mismatches(document, "/api/conditions/", response)
    assert len(problems) == 3, problems
    assert "undescribed" in problems[0] or "undescribed" in " ".join(problems)
    assert any("slug" in problem for problem in problems)
    assert any("yesterday" in problem for problem in problems)

    response.status_code = 418
    assert mismatches(document, "/api/conditions/", response) == [
        "GET /api/conditions/: status 418 is not described"
    ]


# --- real responses match it --------------------------------------------------------------------


def test_every_answer_of_the_api_matches_the_description(client, document, site):
    pages = client.get("/api/conditions/").json()["results"]
    urls = [
        "/api/conditions/",
        "/api/conditions/?page=2",  # past the last page: 404
        "/api/conditions/?page=none",  # 400
        "/api/conditions/?page=%C2%B2",  # 400: a digit, but not one of 0-9
        "/api/conditions/?page=" + "9" * 5000,  # 404: past the last, however long
        "/api/conditions/?updated_since=2020-01-01",  # with the addresses removed since
        "/api/conditions/?updated_since=2020-01-01T09:30:00%2B01:00",
        "/api/conditions/?updated_since=1st+of+May",  # 400
        # An offset ISO 8601 allows and PostgreSQL's timestamps do not (past ±15:59).
        "/api/conditions/?updated_since=2020-01-01T09:30:00%2B17:28",
        "/api/changes/?since=2020-01-01T09:30:00-16:00",
        "/api/conditions/?order_by=-next_review_due",
        "/api/conditions/?order_by=size",  # 400
        "/api/conditions/?letter=E",
        "/api/conditions/?letter=%23",
        "/api/conditions/?q=joints",
        "/api/conditions/?q=joints&letter=R",  # 400: a search comes by relevance
        *[urlsplit(page["api_url"]).path for page in pages],
        "/api/conditions/never-published/",  # 404
        f"/api/conditions/{site['offline']}/",  # 410
        "/api/changes/",
        "/api/changes/?since=2020-01-01",
        "/api/changes/?since=soon",  # 400
        "/api/changes/?page=9",  # 404
        DESCRIPTION,
        *[
            f"{service}?mainSearchCriteria.v.c={code}&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90{extra}"
            for service in ("/infobutton/service/", "/infobutton/application/")
            for code in ("M02.3", "M70.2", "Z99")  # one page, one renamed page, none
            for extra in ("", "&knowledgeResponseType=application/json", "&informationRecipient=PROV")
        ],
        "/infobutton/service/?mainSearchCriteria.v.c=M02.3",  # 400: no code system
        "/infobutton/service/?mainSearchCriteria.v.c=M02.3&knowledgeResponseType=application/json",
        "/infobutton/application/?mainSearchCriteria.v.c=M02.3",
    ]
    problems = [problem for url in urls for problem in mismatches(document, url, client.get(url))]
    # Another method, sent as a browser would (CSRF checked, as the test client does not by default).
    browser = Client(enforce_csrf_checks=True)
    for path in document["paths"]:
        url = path.replace("{slug}", pages[0]["slug"]) + "?mainSearchCriteria.v.c=M02.3"
        for method in ("post", "put", "delete"):
            response = getattr(browser, method)(url)
            problems += mismatches(document, url, response, "get")
            if str(response.status_code) != "405":
                problems.append(f"{method.upper()} {path}: {response.status_code}, not 405")

    assert problems == []
    assert len(pages) == 3
    # The Infobutton answers checked above found what they are about.
    feed = client.get(
        "/infobutton/service/?mainSearchCriteria.v.c=M02.31&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
        "&knowledgeResponseType=application/json"
    ).json()
    assert [entry["title"]["_value"] for entry in feed["feed"]["entry"]] == ["Reactive arthritis"]


def test_a_conditional_request_answers_304_as_described(client, document, site):
    for url in ("/api/conditions/", "/api/conditions/reactive-arthritis/", "/api/changes/"):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first["ETag"]})

        assert again.status_code == 304, url
        assert mismatches(document, url, again) == []


@pytest.mark.parametrize(
    ("failure", "status"),
    [(RuntimeError("a bug"), 500), (OperationalError("connection refused"), 503)],
)
def test_a_server_failure_answers_as_described(document, site, monkeypatch, failure, status):
    def fail():
        raise failure

    monkeypatch.setattr(changes, "last_change", fail)
    browser = Client(raise_request_exception=False)
    for url in ("/api/conditions/", "/api/changes/"):
        response = browser.get(url)

        assert response.status_code == status, url
        assert mismatches(document, url, response) == []
        assert response["Cache-Control"] == "no-store"


def test_a_renamed_page_answers_as_described(client, document, site):
    response = client.get(f"/api/conditions/{site['renamed']}/")

    assert response.status_code == 301
    assert mismatches(document, response.url, response) == []
    assert response.url == "/api/conditions/bursitis-of-the-elbow/"


def test_the_changes_feed_and_removals_match_the_description(client, document, site):
    changes = client.get("/api/changes/").json()["results"]
    removed = client.get("/api/conditions/?updated_since=2000-01-01").json()["removed"]

    # Every kind of change the description names is in these answers, so each was checked.
    assert {change["status"] for change in changes} >= {"published", "renamed", "withdrawn"}
    assert {removal["status"] for removal in removed} == {"renamed", "withdrawn"}


# --- a client written from the description alone -----------------------------------------------


class DescribedClient:
    """A client that knows nothing of this API but its OpenAPI description: it finds operations
    by their operationId and fills their path parameters from the fields of the same name."""

    def __init__(self, http: Client, description_url: str) -> None:
        self.http = http
        self.document = http.get(description_url).json()
        self.base = self.document["servers"][0]["url"]

    def path_of(self, operation_id: str) -> str:
        for path, item in self.document["paths"].items():
            if item.get("get", {}).get("operationId") == operation_id:
                return path
        raise LookupError(operation_id)

    def get(self, url: str) -> dict:
        response = self.http.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        return response.json()

    def all(self, operation_id: str, **parameters: str) -> list[dict]:
        """Every item of a list operation, following `next` to the end."""
        url: str | None = self.base + self.path_of(operation_id)
        if parameters:
            url = f"{url}?{urlencode(parameters)}"
        items: list[dict] = []
        while url:
            page = self.get(url)
            items += page["results"]
            url = page["next"]
        return items

    def _address(self, operation_id: str, item: dict) -> str:
        path = self.path_of(operation_id)
        for name in re.findall(r"\{(\w+)\}", path):
            path = path.replace("{" + name + "}", item[name])
        return self.base + path

    def one(self, operation_id: str, item: dict) -> dict:
        return self.get(self._address(operation_id, item))

    def fetch(self, operation_id: str, item: dict) -> tuple[int, dict]:
        response = self.http.get(self._address(operation_id, item), follow=True)
        return response.status_code, response.json()


def test_a_client_written_from_the_description_lists_and_fetches_every_page(client, site, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 2)  # so that the list has a next page to follow
    reader = DescribedClient(client, DESCRIPTION)

    listed = reader.all("listConditions")
    pages = [reader.one("getCondition", item) for item in listed]

    assert sorted(item["name"] for item in listed) == site["live"]
    assert [page["name"] for page in pages] == [item["name"] for item in listed]
    reactive = next(page for page in pages if page["slug"] == "reactive-arthritis")
    assert reactive["also_called"] == ["Reiter's syndrome"]
    assert [section["heading"] for section in reactive["sections"]] == ["Overview", "Symptoms"]
    assert [reference["title"] for reference in reactive["references"]] == [
        "Joint pain after gut infections",
        "Reactive arthritis",
    ]
    assert reactive["short_answers"][0]["question"] == "Is it contagious?"


def test_a_client_written_from_the_description_removes_what_was_withdrawn(client, site, reviewer):
    reader = DescribedClient(client, DESCRIPTION)
    mirror = {item["slug"]: item["name"] for item in reader.all("listConditions")}
    synced_at = reader.get(reader.base + reader.path_of("listChanges"))["next_since"]

    workflow.unpublish(
        Condition.objects.get(name="Reactive arthritis"), by=reviewer, reason="Being rewritten"
    )
    # Applied in order; a page the feed says went live may have gone again since (410, as the
    # description says: remove it from a copy).
    for change in reader.all("listChanges", since=synced_at):
        if change["status"] in ("withdrawn", "renamed"):
            mirror.pop(change["slug"], None)
        if change["moved_to"] or change["status"] == "published":
            target = change["moved_to"] or change
            status, page = reader.fetch("getCondition", target)
            if status == 410:
                mirror.pop(target["slug"], None)
            else:
                mirror[page["slug"]] = page["name"]

    assert sorted(mirror.values()) == ["Bursitis", "Écthyma"]
    assert [reader.fetch("getCondition", {"slug": slug})[0] for slug in mirror] == [200, 200]
    assert reader.fetch("getCondition", {"slug": "reactive-arthritis"})[0] == 410


# --- schemathesis -------------------------------------------------------------------------------

# The description as served, tried in process through the site's own WSGI handler (middleware
# included), against the pages of the ``site`` fixture.
schema = schemathesis.openapi.from_dict(openapi.description())
schema.app = WSGIHandler()
# Requests that follow the description (positive mode): the API reads some parameters more
# leniently than their schemas say (a lower-case letter, spaces around a value), so requests made
# to break the schemas are not all refused, and need not be.
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


# Parameters a search (q) cannot be combined with: it comes by relevance (400 otherwise).
SEARCH_EXCLUDES = ("order_by", "letter", "updated_since", "code")


def filter_query(ctx, query):
    """Leave out the requests whose refusal the description states in words, as OpenAPI's schemas
    cannot: q with a parameter a search excludes, and a SNOMED CT id whose check digit is wrong."""
    if not query:
        return True
    if query.get("q", "").strip() and any(query.get(name) for name in SEARCH_EXCLUDES):
        return False
    system, _, value = str(query.get("code", "")).strip().partition(":")
    return system != "SNOMEDCT" or verhoeff_valid(value)


@pytest.fixture
def in_process_requests(settings):
    """Requests through the WSGI handler inside the test's transaction: Django's test client also
    keeps a request from closing the database connection (which would end the transaction)."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.hooks.apply(filter_query)
@schema.parametrize()
@hypothesis.settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
    derandomize=True,  # the same requests on every run: CI fails for a change, never for a draw
)
def test_schemathesis_finds_no_failure(case, site, in_process_requests):
    # In process, nothing undoes a Content-Encoding as an HTTP client would: ask for none.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


# --- the page for people ------------------------------------------------------------------------


def test_the_description_page_lists_every_operation_parameter_and_field(client):
    response = client.get("/api/docs/")
    page = html5lib.parse(response.content, namespaceHTMLElements=False)
    text = " ".join(" ".join(page.itertext()).split())

    assert response.status_code == 200
    assert page.find(".//h1").text == "MedSite condition pages API"
    assert page.find(".//script") is None
    document = openapi.description()
    headings = [" ".join("".join(h.itertext()).split()) for h in page.iter("h2")]
    for path, item in document["paths"].items():
        operation = item["get"]
        assert f"GET {path}" in headings
        for parameter in operation.get("parameters", ()):
            assert parameter["description"] in text
    for name, schema in document["components"]["schemas"].items():
        fields = page.find(f".//section[@aria-labelledby='schema-{name}']/table/tbody")
        assert [row.find("th").find("code").text for row in fields] == list(schema["properties"])
    # Types in words, and a link from each answer to the object it holds.
    assert "string (date-time) or null" in text
    assert page.find(".//a[@href='#schema-ConditionList']") is not None
    assert page.find(".//a[@href='/api/openapi.json']") is not None
