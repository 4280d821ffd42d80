"""Small display helpers for the templates (all output is auto-escaped)."""

import json

from django import template

from console.staff import masking
from contract import split_conversation_id

register = template.Library()


@register.filter
def percent(value):
    return f"{value * 100:.0f}%" if isinstance(value, (int, float)) else "–"


@register.filter
def shown(value):
    """A slot value as text."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@register.filter
def sender_part(conversation_id):
    """The channel's own sender id ("whatsapp:91987..." -> "91987..."): the list shows the
    channel in a column of its own, and a long prefix would push the number out of view."""
    return split_conversation_id(conversation_id or "")[1]


@register.filter
def level_class(level):
    return {"EMERGENCY": "emergency", "URGENT": "urgent"}.get(level, "")


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """?page=N keeping the other (non-identifying) query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def masked(value, length=None):
    """Text with personal data hidden (console/pii), cut to `length` characters."""
    return masking.shortened(value, int(length)) if length else masking.html(value)
