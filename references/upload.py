"""The reference admin's upload page: a reference file read, what importing it would do shown,
then imported exactly as shown.

The uploaded text waits in the editor's session (keyed by its SHA-256) between the preview and the
confirmation, with a digest of the previewed plan. Confirming plans the import again in one
transaction and writes it only if the plan is the one previewed: if the stored references
changed meanwhile, the new plan is shown instead and nothing is written. Who may: staff with
both the add and change permissions of references (the Editors role).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from medsite.admin_input import acting_user
from medsite.textfiles import ImportProblem, decode_text

from . import importers
from .models import Reference

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# The largest file the page takes: about 4,000 references from a reference manager. A larger
# library is imported with the import_references command, which reads files of up to 20 MB.
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
PENDING = "references_upload"  # the session key of the text waiting for confirmation
DONE = "references_upload_done"  # the session key of the last import's outcome, shown once
FORMAT_NAMES = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON", "medline": "MEDLINE (PubMed)"}
TEMPLATE = "admin/references/reference/upload.html"


class UploadForm(forms.Form):
    file_name = ""  # the uploaded file's name, once cleaned

    file = forms.FileField(
        label="Reference file",
        help_text=(
            "A BibTeX (.bib), RIS (.ris), CSL-JSON (.json) or MEDLINE (PubMed .nbib) export, "
            f"UTF-8, up to {UPLOAD_MAX_BYTES // 2**20} MB."
        ),
    )
    fmt = forms.ChoiceField(
        label="Format",
        choices=[("", "Recognise it from the content"), *FORMAT_NAMES.items()],
        required=False,
    )

    def clean_file(self) -> str:
        """The file's text; refused whole when too large, binary or not UTF-8."""
        upload = self.cleaned_data["file"]
        name = self.file_name = upload.name or "upload"
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(
                f"{name} is {upload.size / 2**20:.1f} MB; the limit here is {UPLOAD_MAX_BYTES // 2**20} MB. "
                "Split it into smaller files, or ask an operator to run the import_references command."
            )
        try:
            text = decode_text(upload.read(UPLOAD_MAX_BYTES + 1), where=name)
        except ImportProblem as exc:
            raise ValidationError(str(exc)) from exc
        if not text.strip():
            raise ValidationError(f"{name}: is empty.")
        return text


def _check_access(request: HttpRequest, model_admin: ModelAdmin) -> None:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied


def upload_view(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """GET: the form (and the outcome of the import just made); POST: the preview of a file."""
    _check_access(request, model_admin)
    if request.method != "POST":
        done = request.session.pop(DONE, None)
        return _render(request, model_admin, form=UploadForm(), done=done)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, model_admin, form=form)
    text, name = form.cleaned_data["file"], form.file_name
    try:
        fmt, report = _plan(text, form.cleaned_data["fmt"] or None, name)
    except ImportProblem as exc:
        form.add_error("file", str(exc))
        return _render(request, model_admin, form=form)
    digest = hashlib.sha256(text.encode()).hexdigest()
    pending = {"sha256": digest, "text": text, "name": name, "fmt": fmt, "plan": report.fingerprint()}
    request.session[PENDING] = pending
    return _render(request, model_admin, pending=pending, report=report)


@require_POST
def confirm_view(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """Import the previewed file, exactly as previewed; otherwise show why not, writing nothing."""
    _check_access(request, model_admin)
    pending = request.session.get(PENDING)
    posted = request.POST.get("sha256", "")
    if (
        not isinstance(pending, dict)
        or pending.get("sha256") != posted
        or hashlib.sha256(pending["text"].encode()).hexdigest() != posted
    ):
        messages.error(
            request,
            "Nothing was imported: that preview is no longer open (a newer file was uploaded since, "
            "or you were logged out). Upload the file again.",
        )
        return _render(request, model_admin, form=UploadForm(), status=409)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    name = pending["name"]
    with transaction.atomic():
        try:
            _, report = _plan(pending["text"], pending["fmt"], name)
        except ImportProblem as exc:  # read before, so only if the readers changed meanwhile
            messages.error(request, f"Nothing was imported: {exc}")
            return _render(request, model_admin, form=UploadForm(), status=409)
        refusal = _refusal(report, pending, skip_invalid)
        if refusal is None:
            importers.save_planned(report, source=name, by=acting_user(request))
            importers.record_import(report, source=name, actor=acting_user(request), via="upload")
    if refusal is not None:
        messages.error(request, refusal)
        pending["plan"] = report.fingerprint()
        request.session[PENDING] = pending
        return _render(request, model_admin, pending=pending, report=report, status=409)
    del request.session[PENDING]
    request.session[DONE] = _outcome(report, name)
    messages.success(request, f"Imported from {name}: {report.summary()}.")
    return HttpResponseRedirect(reverse("admin:references_reference_upload"))


def _plan(text: str, fmt: str | None, name: str) -> tuple[str, importers.ImportReport]:
    """The format (recognised when None) and what importing ``text`` would do; writes nothing."""
    fmt = fmt or importers.guess_format(text)
    if fmt is None:
        raise ImportProblem(
            f"{name}: cannot tell its format (BibTeX “@article{{…”, RIS “TY  - ” lines, a CSL-JSON "
            "array or MEDLINE “PMID- ” lines). If it is one of them, choose it under Format."
        )
    parsed, refusals = importers.read_references(text, fmt, source=name)
    return fmt, importers.plan_import(parsed, refusals=refusals)


def _refusal(report: importers.ImportReport, pending: dict, skip_invalid: bool) -> str | None:
    """Why the confirmed import cannot go ahead as it is now, or None."""
    if report.fingerprint() != pending["plan"]:
        return (
            "Nothing was imported: the stored references changed since your preview. This is what "
            "importing the file would do now; check it and confirm again."
        )
    if report.blocking and not skip_invalid:
        count = report.refused_count
        return (
            f"Nothing was imported: {count} {'entry is' if count == 1 else 'entries are'} refused. "
            "Correct the file and upload it again, or import the other entries only."
        )
    if not report.changed():
        return "Nothing was imported: nothing in the file would change the stored references."
    return None


def _outcome(report: importers.ImportReport, name: str) -> dict[str, Any]:
    """What the page shows after an import (kept in the session until shown)."""

    def rows(action: str) -> list[dict[str, Any]]:
        return [
            {"pk": o.reference.pk, "key": o.reference.key, "title": o.reference.title}
            for o in report.outcomes
            if o.action == action and o.duplicate_of is None
        ]

    return {
        "name": name,
        "summary": report.summary(),
        "created": rows(importers.CREATED),
        "updated": rows(importers.UPDATED),
        "refused": [refusal.report_line() for refusal in report.refusals],
    }


def _render(
    request: HttpRequest,
    model_admin: ModelAdmin,
    *,
    form: UploadForm | None = None,
    pending: dict | None = None,
    report: importers.ImportReport | None = None,
    done: dict | None = None,
    status: int = 200,
) -> TemplateResponse:
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": Reference._meta,
        "title": "Import references: preview" if report is not None else "Import references from a file",
        "form": form,
        "done": done,
        "max_megabytes": UPLOAD_MAX_BYTES // 2**20,
    }
    if report is not None and pending is not None:
        context.update(pending=pending, format_name=FORMAT_NAMES.get(pending["fmt"], pending["fmt"]))
        context.update(_preview(report))
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _preview(report: importers.ImportReport) -> dict[str, Any]:
    """The preview's lists: conflicts, refusals, and the entries to create, update and skip."""

    def label(name: str) -> str:
        return str(getattr(Reference._meta.get_field(name), "verbose_name", name))

    def rows(action: str) -> list[dict[str, Any]]:
        return [
            {
                "where": o.parsed.where,
                "key": o.reference.key,
                "title": o.before.get("title", o.reference.title),  # as stored, for an update
                "pk": o.reference.pk,
                "how": o.how,
                "changes": [
                    {
                        "field": label(name),
                        "before": _shown(o.before.get(name)),
                        "after": _shown(getattr(o.reference, name)),
                    }
                    for name in o.changes
                ],
                "same_as": o.duplicate_of.where if o.duplicate_of is not None else "",
            }
            for o in report.outcomes
            if o.action == action
        ]

    return {
        "conflicts": [r for r in report.refusals if r.conflict],
        "refused": [r for r in report.refusals if r.blocking and not r.conflict],
        "left_out": [r for r in report.refusals if not r.blocking],
        "to_create": rows(importers.CREATED),
        "to_update": rows(importers.UPDATED),
        "to_skip": rows(importers.SKIPPED),
        "left_as_is": report.count(importers.SKIPPED) + len([r for r in report.refusals if not r.blocking]),
        "changes": bool(report.changed()),
        "refused_count": report.refused_count,
        "summary": report.summary(),
    }


def _shown(value: Any) -> str:
    """A field's value in the preview: one line, "–" for nothing."""
    return " · ".join(str(value).splitlines()) if value not in (None, "") else "–"
