"""The pages the accessibility and HTML checks visit: one list each, public and admin.

A new public page type gets one line in :func:`public_pages`, and every check covers it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse

from .conftest import DemoSite


class PublicPage(NamedTuple):
    name: str
    path: str
    status: int = 200


class AdminPage(NamedTuple):
    name: str
    path: str
    user: str | None  # a demo account's username; None for an anonymous visitor


def public_pages(site: DemoSite) -> list[PublicPage]:
    slug = site.current.slug
    question = site.current.live_publication.page.short_answers[0].slug
    return [
        PublicPage("home", reverse("home")),
        PublicPage("A–Z", reverse("conditions:index")),
        PublicPage("search form", reverse("conditions:search")),
        PublicPage("search results", reverse("conditions:search") + "?q=headache"),
        PublicPage("condition page", reverse("conditions:detail", args=[slug])),
        PublicPage("question", reverse("conditions:question", args=[slug, question])),
        PublicPage("page history", reverse("conditions:history", args=[slug])),
        PublicPage("archived version", reverse("conditions:publication", args=[slug, 1])),
        PublicPage("not found", "/conditions/no-such-condition/", 404),
        PublicPage("taken offline", reverse("conditions:detail", args=[site.gone.slug]), 410),
        PublicPage("Infobutton, no page for the code", reverse("infobutton-application") + _INFOBUTTON),
        PublicPage("Infobutton, link without a code", reverse("infobutton-application"), 400),
        PublicPage("API description", reverse("conditions:api-docs")),
    ]


# A patient portal's link for a problem no demo page is about (ICD-10-CM J45.909, asthma).
_INFOBUTTON = (
    "?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=J45.909&informationRecipient=PAT"
)


def admin_pages(site: DemoSite) -> list[AdminPage]:
    """The screens editors and reviewers spend their day on, as the person who uses each."""
    in_review, editable = site.current.pk, site.editable.pk
    return [
        AdminPage("login", reverse("admin:login"), None),
        AdminPage("admin index", reverse("admin:index"), "editor"),
        AdminPage("condition list", reverse("admin:conditions_condition_changelist"), "editor"),
        AdminPage(
            "condition editor", reverse("admin:conditions_condition_change", args=[editable]), "editor"
        ),
        AdminPage("review dashboard", reverse("review-dashboard"), "reviewer1"),
        AdminPage(
            "review screen", reverse("admin:conditions_condition_review", args=[in_review]), "reviewer1"
        ),
        AdminPage(
            "approval panel", reverse("admin:conditions_condition_change", args=[in_review]), "reviewer1"
        ),
        # The decisions an editor may not take, each with the reason why.
        AdminPage(
            "review screen, as its editor",
            reverse("admin:conditions_condition_review", args=[in_review]),
            "editor",
        ),
        AdminPage(
            "unpublish confirmation",
            reverse("admin:conditions_condition_workflow_confirm", args=[editable, "unpublish"]),
            "reviewer1",
        ),
        AdminPage("reference list", reverse("admin:references_reference_changelist"), "editor"),
        AdminPage("plain-language terms", reverse("admin:contentchecks_plainterm_changelist"), "admin"),
        AdminPage("page history", reverse("admin:conditions_condition_history", args=[in_review]), "editor"),
        AdminPage("your preferences", reverse("preferences"), "editor"),
    ]
