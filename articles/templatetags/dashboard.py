"""``{% editors_dashboard %}``: the dashboard panels on the admin's front page (articles/dashboard.py)."""
from __future__ import annotations

from django import template

from ..dashboard import panels_for

register = template.Library()


@register.inclusion_tag("admin/dashboard_panels.html", takes_context=True)
def editors_dashboard(context) -> dict:
    return {**panels_for(context["request"].user), "request": context["request"]}


@register.filter
def without_app(app_list: list, label: str) -> list:
    return [app for app in app_list if app["app_label"] != label]


@register.filter
def only_app(app_list: list, label: str) -> list:
    return [app for app in app_list if app["app_label"] == label]
