"""The worklist's steps on a conversation, for the transcript page."""

from django import template

from console.worklist.models import Claim, Step

register = template.Library()


@register.inclusion_tag("worklist/transcript_steps.html", takes_context=True)
def worklist_steps(context, conversation):
    claim = Claim.objects.select_related("owner").filter(conversation=conversation).first()
    steps = Step.objects.filter(conversation=conversation).select_related("actor", "owner", "note")
    return {
        "claim": claim,
        "steps": list(steps),
        "is_clinician": context.get("is_clinician", False),
    }
