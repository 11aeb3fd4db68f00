from __future__ import annotations

import pytest
from django.test import Client

from conditions.public import api
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

LIST = "/api/conditions/"
DETAIL = "/api/conditions/gout/"
FOREIGN = "https://mirror.example.net"


@pytest.fixture
def live(editor, reviewer):
    condition = make_condition(editor, name="Gout", summary="Painful, swollen joints.")
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


def _is_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"error"} and body["error"]
    return body


# --- every /api/ answer is JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/nothing-here/", "/api/conditions/gout/extra/", "/api/changes/x/"]
)
def test_unknown_api_addresses_are_json_404s_kept_briefly(client, live, path):
    response = client.get(path)
    body = _is_json_error(response, 404)
    assert path in body["error"]
    assert response["Cache-Control"] == "public, max-age=60"


def test_other_unknown_addresses_keep_the_html_404_page(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_view_that_fails_answers_json_500_never_kept(live, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api, "_list_item", broken)
    response = Client(raise_request_exception=False).get(LIST)
    body = _is_json_error(response, 500)
    assert "try again later" in body["error"].lower()
    assert "database" not in body["error"]  # nothing of the failure itself is shown
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_method_an_html_view_refuses_is_json_405_too(client, method):
    response = getattr(client, method)("/api/docs/")
    body = _is_json_error(response, 405)
    assert method.upper() in body["error"]
    assert response["Allow"]


def test_a_redirect_from_an_old_address_is_kept_briefly(client, live):
    response = client.get("/api/conditions")  # without the slash
    assert response.status_code == 301
    assert response["Cache-Control"] == "public, max-age=60"


# --- CORS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, DETAIL, "/api/changes/"])
def test_any_origin_may_read_the_api_by_default(client, live, url):
    response = client.get(url, headers={"Origin": FOREIGN})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_an_answer_from_the_page_cache_carries_cors_too(client, live):
    client.get(DETAIL)  # stored in the server's page cache
    again = client.get(DETAIL, headers={"Origin": FOREIGN})
    assert again.status_code == 200 and again["Access-Control-Allow-Origin"] == "*"
    not_modified = client.get(DETAIL, headers={"Origin": FOREIGN, "If-None-Match": again["ETag"]})
    assert not_modified.status_code == 304 and not_modified["Access-Control-Allow-Origin"] == "*"


def test_errors_can_be_read_cross_origin(client, live):
    response = client.get("/api/conditions/no-such-page/", headers={"Origin": FOREIGN})
    assert response.status_code == 404 and response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_for_get_is_answered(client, live):
    response = client.options(
        DETAIL,
        headers={
            "Origin": FOREIGN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_preflight_for_a_write_does_not_allow_it(client, live, method):
    response = client.options(LIST, headers={"Origin": FOREIGN, "Access-Control-Request-Method": method})
    assert method not in response["Access-Control-Allow-Methods"]
    sent = getattr(client, method.lower())(LIST, headers={"Origin": FOREIGN})
    assert sent.status_code == 405 and sent.json()["error"]


def test_options_without_a_preflight_names_the_methods(client, live):
    response = client.options(LIST)
    assert response.status_code == 204 and response["Allow"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Methods" not in response


def test_options_on_an_unknown_address_is_404(client):
    _is_json_error(
        client.options("/api/nothing-here/", headers={"Access-Control-Request-Method": "GET"}), 404
    )


def test_only_the_listed_origins_when_settings_name_them(client, live, settings):
    settings.MEDSITE_API_CORS_ORIGINS = ["https://partner.example.org"]
    listed = client.get(LIST, headers={"Origin": "https://partner.example.org"})
    assert listed["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert "Origin" in listed["Vary"]
    other = client.get(LIST, headers={"Origin": FOREIGN})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other
    assert "Origin" in other["Vary"]


def test_public_pages_outside_the_api_have_no_cors(client, live):
    response = client.get("/conditions/gout/", headers={"Origin": FOREIGN})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response
