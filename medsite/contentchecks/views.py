"""The endpoint the editor's live content-checks panel posts to (static/js/content-checks.js)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from medsite import limits
from medsite.contentchecks.checks import PageText, check_page, read_dictionary

# A label names a text in the panel ("Symptoms", a short answer's question): one line of a heading
# or a question, so no longer than the longer of the two.
MAX_LABEL_CHARS = 300


@require_POST
def content_checks(request: HttpRequest) -> JsonResponse:
    """The checks of the page being edited, for each of its Markdown texts and for the whole page.

    The panel posts ``field``/``label``/``text`` triples in page order. Mounted through the admin
    site (``admin_view``, medsite/urls.py), so staff only, CSRF checked; and it passes the limits of
    the editor's previews (medsite/limits.py: rate, sizes, a free slot, the render budget), since
    it renders every text as a preview does. Answers :meth:`PageChecks.to_json` with the panel's
    HTML, or a refusal ``{"error": sentence, "field": name or null}`` with its status.
    """
    names, labels, texts = (request.POST.getlist(key) for key in ("field", "label", "text"))
    if not len(names) == len(labels) == len(texts) or len(names) > limits.MAX_PREVIEW_FIELDS:
        return JsonResponse({"error": "The content checks request was malformed."}, status=400)
    read_dictionary()
    try:
        with limits.preview_work(request.user, list(zip(names, texts, strict=True))) as budget:
            checks = check_page(
                (
                    PageText(name, " ".join(label.split())[:MAX_LABEL_CHARS] or name, text)
                    for name, label, text in zip(names, labels, texts, strict=True)
                ),
                budget=budget,
            )
    except limits.Refused as refused:
        response = JsonResponse({"error": str(refused), "field": refused.field}, status=refused.status)
        if refused.retry_after:
            response["Retry-After"] = str(refused.retry_after)
        return response
    html = render_to_string("contentchecks/_results.html", {"checks": checks, "live": True})
    return JsonResponse({**checks.to_json(), "html": html})
