"""The workflow panel of a condition's admin pages, and the endpoint that runs a transition.

Both read the workflow's table of transitions (``workflow.TRANSITIONS``): the panel shows each
transition the page's state allows now, as its form and button when the user may take it, or
else with the sentence saying why not; the endpoint takes one transition's form, and calls its
verb with what the form gives. A transition with a confirmation page (unpublish, retract) runs
only when its form comes from that page: anything else posting it is shown the page first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from conditions import workflow
from conditions.approval import go_live_label
from conditions.checks import publish_problems
from conditions.models import Condition, Publication
from conditions.workflow_forms import TransitionForm
from medsite.admin_input import ModelAdminMixin, acting_user
from medsite.siteurl import absolute

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# What a confirmation page posts with a step's form: without it, the step is not taken.
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Offer:
    """A step as the admin shows it: its form when the user may take it (none for a step taken from
    its confirmation page), else ``refusal``, the sentence saying why not."""

    transition: workflow.Transition
    form: TransitionForm | None = None
    refusal: str = ""


def offered(
    condition: Condition, user: User | AnonymousUser, names: Iterable[str] | None = None
) -> list[Offer]:
    """The transitions the state of ``condition`` allows now, as ``user`` is offered them: those
    named in ``names`` in that order, or every one in the table's."""
    transitions = [workflow.TRANSITIONS[name] for name in names] if names else workflow.TRANSITIONS.values()
    offers = []
    for transition in transitions:
        if transition.unavailable(condition) is not None:  # nobody may take it now
            continue
        refusal = transition.refusal(condition, user)
        if refusal is not None:
            offers.append(Offer(transition, refusal=refusal))
        else:
            offers.append(
                Offer(transition, None if transition.confirm else transition.form(condition=condition))
            )
    return offers


def may_take(offers: Iterable[Offer], name: str) -> bool:
    return any(offer.transition.name == name and not offer.refusal for offer in offers)


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
            if transition.confirm and not (form.is_valid() and data.get(CONFIRMED) == "yes"):
                # Asked first, or asked again with what was typed and what is missing.
                return self._confirmation(request, condition, transition, form)
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
                done += f"; it goes live on {go_live_label(result.go_live_at)}"
            messages.success(request, f"“{condition}”: {done}.")
        return HttpResponseRedirect(_change_url(condition.pk))

    def confirm_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """GET only: the confirmation page of a step that has one, with the step's form."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        transition = workflow.TRANSITIONS.get(action)
        if transition is None or not transition.confirm:
            raise PermissionDenied
        condition = self._get_condition_for_user(request, object_id)
        refusal = transition.refusal(condition, request.user)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(_change_url(condition.pk))
        return self._confirmation(request, condition, transition, transition.form(condition=condition))

    def _confirmation(
        self,
        request: HttpRequest,
        condition: Condition,
        transition: workflow.Transition,
        form: TransitionForm,
    ) -> HttpResponse:
        pending = condition.scheduled_publication
        context = {
            **self.admin_site.each_context(request),
            "opts": Condition._meta,
            "condition": condition,
            "transition": transition,
            "form": form,
            "confirmed": CONFIRMED,
            "change_url": _change_url(condition.pk),
            "public_url": absolute(reverse("conditions:detail", args=[condition.public_slug])),
            "scheduled": go_live_label(pending.go_live_at) if pending else "",
        }
        return render(request, transition.confirm, context)

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
        if may_take(panel, "submit"):
            prefetch_related_objects([condition], "sections")
            problems = publish_problems(condition)
        pending = condition.scheduled_publication
        return {
            "workflow_forms": panel,
            "workflow_scheduled": go_live_label(pending.go_live_at) if pending else "",
            "workflow_problems": problems,
            "review_events": condition.review_events.select_related("actor__reviewer_profile")[:10],
        }
