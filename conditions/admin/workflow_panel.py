"""The workflow panel of a condition's admin pages, and the endpoint that runs a transition.

Both read the workflow's table of transitions (``workflow.TRANSITIONS``): the panel shows each
transition the user may take now as its form and button; the endpoint takes one transition's
form, and calls its verb with what the form gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from conditions import workflow
from conditions.checks import publish_problems
from conditions.models import Condition, Publication
from conditions.workflow_forms import TransitionForm
from medsite.admin_input import ModelAdminMixin, acting_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Offer = tuple[workflow.Transition, TransitionForm]


def offered(
    condition: Condition, user: User | AnonymousUser, names: Iterable[str] | None = None
) -> list[Offer]:
    """The transitions ``user`` may take on ``condition`` now, each with its form: those named in
    ``names`` in that order, or every one in the table's."""
    transitions = [workflow.TRANSITIONS[name] for name in names] if names else workflow.TRANSITIONS.values()
    return [(t, t.form(condition=condition)) for t in transitions if t.allows(condition, user)]


def _change_url(condition_id) -> str:
    return reverse("admin:conditions_condition_change", args=[condition_id])


class WorkflowPanel(ModelAdminMixin):
    """ConditionAdmin's workflow panel (on the edit page) and its endpoint."""

    if TYPE_CHECKING:
        # ConditionAdmin's access check, which the views below share.
        def _get_condition_for_user(self, request: HttpRequest, object_id: str) -> Condition: ...

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """POST only: run one transition and report its outcome on the change page.

        Who may is asked before the input is read, so a refused request hears why it was refused;
        the transition asks again under its lock.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        transition = workflow.TRANSITIONS.get(action)
        if transition is None:
            raise PermissionDenied
        condition = self._get_condition_for_user(request, object_id)
        data = request.POST  # read first: an oversized or garbled body is refused (400) whoever asks
        return self.take_step(request, condition, transition, data)

    def take_step(
        self, request: HttpRequest, condition: Condition, transition: workflow.Transition, data: QueryDict
    ) -> HttpResponse:
        """Run ``transition`` on ``condition`` with its form's ``data``: the outcome is reported as a
        message, on the page the answer redirects to."""
        try:
            refusal = transition.refusal(condition, request.user)
            if refusal:
                raise workflow.WorkflowError(refusal)
            form = transition.form(data, condition=condition)
            if not form.is_valid():
                raise workflow.WorkflowError(form.error_message())
            result = transition.verb(condition, by=acting_user(request), **form.arguments())
        except workflow.StaleDecision as error:
            review_url = reverse("admin:conditions_condition_review", args=[condition.pk])
            messages.error(
                request, format_html('{} <a href="{}">Read the version in review</a>.', error, review_url)
            )
            return HttpResponseRedirect(review_url)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            done = transition.done
            if isinstance(result, Publication) and result.went_live_at is None:
                done += f"; it goes live on {timezone.localtime(result.go_live_at):%Y-%m-%d at %H:%M}"
            messages.success(request, f"“{condition}”: {done}.")
        return HttpResponseRedirect(_change_url(condition.pk))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Only the edit page has the workflow panel (not reversion's revision and recover
        # screens, which share the form); render_change_form builds it.
        extra_context = {**(extra_context or {}), "workflow_panel": True}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Built from the object the change view read, rather than reading it a second time.
        if context.get("workflow_panel") and obj is not None:
            context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request: HttpRequest, condition: Condition) -> dict:
        # One read of the short answers serves the confirm predicate and the stale list; the
        # sections, only for a draft, serve the publish gate's two passes over them.
        prefetch_related_objects([condition], "short_answers")
        panel = offered(condition, request.user)
        problems = []
        if "submit" in {transition.name for transition, _ in panel}:
            prefetch_related_objects([condition], "sections")
            problems = publish_problems(condition)
        return {
            "workflow_forms": panel,
            "workflow_problems": problems,
            "review_events": condition.review_events.select_related("actor__reviewer_profile")[:10],
        }
