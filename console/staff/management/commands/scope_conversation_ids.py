"""Rename the console's conversations after the tracker store's ids were scoped by channel
(`python -m assistant.conversation_ids`): "919876543210" becomes "whatsapp:919876543210",
from the conversation's own `channel` column. Idempotent; a conversation whose new id is
already taken is left as it is and reported (its notes and follow-ups stay with it)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from console.staff.models import Conversation
from contract import CHANNEL_SEPARATOR, conversation_id


class Command(BaseCommand):
    help = "Scope the console's conversation ids by channel, like the tracker store's."

    def handle(self, **options):
        renamed, taken = 0, 0
        rows = Conversation.objects.exclude(channel="").values_list("pk", "sender_id", "channel")
        with transaction.atomic():
            for pk, sender_id, channel in list(rows):
                if sender_id.startswith(channel + CHANNEL_SEPARATOR):
                    continue
                new = conversation_id(channel, sender_id)
                if Conversation.objects.filter(sender_id=new).exists():
                    taken += 1
                    continue
                renamed += Conversation.objects.filter(pk=pk).update(sender_id=new)
        if renamed or taken:
            self.stdout.write(
                f"{renamed} conversation ids scoped by channel"
                + (f"; {taken} left (new id already in use)" if taken else "")
            )
