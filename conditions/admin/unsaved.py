"""A workflow step taken from the edit page with unsaved changes: the changes are saved first.

The edit page's script (static/js/editor-unsaved.js) notices that the form was changed and, when a
workflow button is pressed, posts the whole edit form with the step's name (``_workflow_step``)
and the step's own fields, each prefixed ``_workflow-``. The admin saves as "Save and continue
editing" does (one version in the history, the edit lock checked) and, once that save has
committed, takes the step as the workflow panel's own buttons do (``WorkflowPanel.take_step``:
the same table of transitions, the same permission checks), so the editor reads both outcomes.
A save that fails validation takes no step: the form comes back with what was typed, saying so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse

from conditions import workflow
from conditions.models import Condition
from medsite.admin_input import ModelAdminMixin

STEP_FIELD = "_workflow_step"
STEP_PREFIX = "_workflow-"


class _SavedBeforeStep(HttpResponseRedirect):
    """The save's answer, carrying the step still to take once the save has committed."""

    def __init__(self, condition: Condition, transition: workflow.Transition) -> None:
        super().__init__(reverse("admin:conditions_condition_change", args=[condition.pk]))
        self.condition = condition
        self.transition = transition


def _step_asked(request: HttpRequest) -> workflow.Transition | None:
    if request.method != "POST":
        return None
    return workflow.TRANSITIONS.get(request.POST.get(STEP_FIELD, ""))


def _step_data(request: HttpRequest) -> QueryDict:
    """The step's own form, as its panel would have posted it."""
    data = QueryDict(mutable=True)
    for key, values in request.POST.lists():
        if key.startswith(STEP_PREFIX):
            data.setlist(key.removeprefix(STEP_PREFIX), values)
    return data


class SaveBeforeStep(ModelAdminMixin):
    """ConditionAdmin's edit page: a step posted with the form is taken after the form is saved."""

    if TYPE_CHECKING:
        # WorkflowPanel's, which the step goes through.
        def take_step(
            self,
            request: HttpRequest,
            condition: Condition,
            transition: workflow.Transition,
            data: QueryDict,
        ) -> HttpResponse: ...

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The save ran in its own transaction and revision, both closed here: the step opens its own.
        response = super().change_view(request, object_id, form_url, extra_context)
        if isinstance(response, _SavedBeforeStep):
            return self.take_step(request, response.condition, response.transition, _step_data(request))
        return response

    def response_change(self, request, obj):
        transition = _step_asked(request)
        if transition is None:
            return super().response_change(request, obj)
        messages.success(request, f"Your changes to “{obj}” were saved (a new version in the history).")
        return _SavedBeforeStep(obj, transition)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        transition = _step_asked(request)
        if transition is not None:
            # Rendered on a POST only when the save failed.
            messages.error(
                request,
                f"Your changes could not be saved, so “{transition.button}” was not done. Correct the "
                "problems below and try again: everything you typed is still in the form.",
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
