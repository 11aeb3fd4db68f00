"""``{{ user|display_name }}``: a person in a template, named as everywhere else on the site
(:func:`medsite.accounts.display.display_name`)."""

from __future__ import annotations

from django import template

from medsite.accounts import display

register = template.Library()

register.filter("display_name", display.display_name)
