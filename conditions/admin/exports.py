"""Admin downloads of a condition page's reference list, for editors' reference managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse

from conditions.rendering import render_condition
from medsite import audit
from medsite.admin_input import ModelAdminMixin, acting_user
from references.exporters import EXPORTS

if TYPE_CHECKING:
    from conditions.models import Condition


class ReferenceExports(ModelAdminMixin):
    """ConditionAdmin's reference-list download (see ``ConditionAdmin.get_urls``)."""

    if TYPE_CHECKING:
        # ConditionAdmin's access check, which the views below share.
        def _get_condition_for_user(self, request: HttpRequest, object_id: str) -> Condition: ...

    def export_references(self, request: HttpRequest, object_id: str, fmt: str) -> HttpResponse:
        """The working copy's reference list (cited in citation order, then listed) as a file.

        ``fmt`` is the file extension: ``bib`` (BibTeX), ``ris`` or ``json`` (CSL-JSON). Staff who
        may view the condition only; the admin site's own wrapper sends anyone else to log in.
        """
        if fmt not in EXPORTS:
            raise Http404("No such reference format.")
        condition = self._get_condition_for_user(request, object_id)
        serialise, content_type = EXPORTS[fmt]
        references = [ref.as_reference() for ref in render_condition(condition).references]
        audit.record(
            audit.Action.EXPORT,
            actor=acting_user(request),
            target=condition,
            format=fmt,
            references=len(references),
        )
        response = HttpResponse(serialise(references), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{condition.slug}-references.{fmt}"'
        return response
