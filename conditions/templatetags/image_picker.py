"""The condition editor's "Insert image" dialog, with the library's upload form."""

from __future__ import annotations

from django import template

from conditions.admin.images import ImageUploadForm

register = template.Library()


@register.inclusion_tag("admin/conditions/condition/_image_picker.html", takes_context=True)
def image_picker(context: template.Context) -> dict:
    # The dialog posts its own form, so it carries the page's CSRF token.
    return {
        "form": ImageUploadForm(auto_id="medsite-image-%s", label_suffix=""),
        "csrf_token": context.get("csrf_token"),
    }
