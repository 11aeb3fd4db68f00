"""The editor's live previews: the page editor's script posts the whole page here (one field,
the address markdownx's widget names, is answered too).

Staff with the right to edit pages only; every preview passes the limits of medsite/limits.py
(size, rate, a free slot, a time budget) and renders with the one renderer and the library's
images, so what an editor previews is what the public will read.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from conditions import facts
from conditions.models import Section, lines
from conditions.rendering import known_references, page_figures
from medsite import limits
from medsite.markdown import RenderTooSlow
from medsite.markdown import render as render_markdown
from references.citations import CitationNumbering, find_keys


def _may_edit(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("conditions.change_condition")


@require_POST
@login_required
def editor_preview(request: HttpRequest) -> HttpResponse:
    """Live preview: the publishing renderer, with citations checked against the references.

    markdownx puts whatever this answers into the preview pane, so a refusal (too long, too
    frequent, too slow, busy) is a short paragraph saying so, with its status.
    """
    if not _may_edit(request):
        return HttpResponse("You do not have permission to preview condition pages.", status=403)
    text = request.POST.get("content", "")
    try:
        with limits.preview_work(request.user, [("content", text)]) as budget:
            numbering = CitationNumbering(known_references(find_keys(text)))
            figures = page_figures([text])
            return HttpResponse(render_markdown(text, citations=numbering, images=figures, budget=budget()))
    except limits.Refused as refused:
        response = HttpResponse(
            format_html('<p class="preview-refused" role="alert">{}</p>', str(refused)), status=refused.status
        )
        if refused.retry_after:
            response["Retry-After"] = str(refused.retry_after)
        return response


@require_POST
@login_required
def editor_page_preview(request: HttpRequest) -> HttpResponse:
    """Preview every Markdown field of a page at once, numbering citations across the page.

    The editor's script posts ``field``/``text`` pairs in page order (sections by position, then
    short answers), so each preview shows the numbers the published page will show. With each
    section's ``kind`` and ``heading`` (in the same order) and the page's ``name`` and
    ``also_called``, the answer's ``facts`` is the "What search engines will read" panel: the
    facts the page's structured data will state, read as from the published page. Images are
    shown from the library; ``unknown_images`` lists the keys it does not hold and
    ``misplaced_images`` the images that are not on a line of their own (the previews say so
    where they stand too). A refusal is ``{"error": sentence, "field": name or null}`` with its
    status.
    """
    if not _may_edit(request):
        return JsonResponse({"error": "You do not have permission to preview condition pages."}, status=403)
    names, texts = request.POST.getlist("field"), request.POST.getlist("text")
    if len(names) != len(texts) or len(names) > limits.MAX_PREVIEW_FIELDS:
        return JsonResponse({"error": "The preview request was malformed."}, status=400)
    fields = list(zip(names, texts, strict=True))
    try:
        with limits.preview_work(request.user, fields) as budget:
            keys = [key for text in texts for key in find_keys(text)]
            numbering = CitationNumbering(known_references(keys))
            figures = page_figures(texts)
            previews = {}
            for name, text in fields:
                try:
                    html = render_markdown(text, citations=numbering, images=figures, budget=budget())
                    previews[name] = str(html)
                except RenderTooSlow as slow:
                    slow.field = name
                    raise
    except limits.Refused as refused:
        response = JsonResponse({"error": str(refused), "field": refused.field}, status=refused.status)
        if refused.retry_after:
            response["Retry-After"] = str(refused.retry_after)
        return response
    answer = {
        "previews": previews,
        "unknown": numbering.unknown,
        "unknown_images": figures.unknown,
        "misplaced_images": figures.misplaced,
    }
    sections = [html for name, html in previews.items() if name.startswith("sections-")]
    kinds, headings = request.POST.getlist("kind"), request.POST.getlist("heading")
    if sections and len(kinds) == len(sections) == len(headings):
        answer["facts"] = _facts_panel(request, kinds, headings, sections)
    return JsonResponse(answer)


_KIND_NAMES = dict(Section.Kind.choices)
_MAX_NAMES, _MAX_NAME_LENGTH = 50, 200  # a page's name and other names, as many as any page has


def _facts_panel(request: HttpRequest, kinds: list[str], headings: list[str], sections: list[str]) -> str:
    """The panel's content: what the structured data would state of these sections, with the
    headings the page would show (the kind's name where none is written)."""
    names = [request.POST.get("name", ""), *lines(request.POST.get("also_called", ""))][:_MAX_NAMES]
    shown = (
        (kind, heading.strip() or _KIND_NAMES.get(kind, ""), html)
        for kind, heading, html in zip(kinds, headings, sections, strict=True)
    )
    found = facts.facts(shown, [name[:_MAX_NAME_LENGTH] for name in names])
    return render_to_string("admin/conditions/condition/_search_facts_results.html", {"facts": found})


USE_THE_PICKER = (
    "Images are added through “Insert image” on the field's toolbar, or by dropping the file on the "
    "field: the library needs its alt text and licence with the file."
)


@require_POST
@login_required
def editor_upload(request: HttpRequest) -> HttpResponse:
    """markdownx's upload address, refused: an image enters pages only through the library's
    upload (conditions/admin/images.py), which asks for its alt text and licence with the file.

    markdownx's widget names this address and its upload stores any file it is given
    (CVE-2024-2319); the editor's script never posts here, and whatever is posted is refused,
    never stored.
    """
    if not _may_edit(request):
        return JsonResponse({"image": ["You do not have permission to upload files."]}, status=403)
    return JsonResponse({"image": [USE_THE_PICKER]}, status=400)
