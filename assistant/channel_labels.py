"""What the WhatsApp channels say on their own, rendered once per language from the domain.

The channels add a few words of their own to the assistant's replies: the hint under a
numbered list, the button that opens a list, its heading, the body of a message that has
only buttons, and the answer to an image or a voice note. Their text lives in the domain
(domain/channels.yml, in the three languages); the server's NLG renders them once per
language at start and keeps them here for the channels of the same process, which look
them up by the reply's `language` (`labels_for`), so the channel speaks the conversation's
language too. Nothing is added to the stored bot messages but their language.
"""

from typing import Dict, Mapping, Optional

from contract import LANGUAGES, SLOT_LANGUAGE

LABEL_RESPONSES = {
    "choose_number": "utter_channel_choose_number",
    "list_button": "utter_channel_list_button",
    "list_section": "utter_channel_list_section",
    "empty_body": "utter_channel_empty_body",
    "not_text": "utter_channel_not_text",
}
_rendered: Dict[str, Dict[str, str]] = {}


def render_labels(
    nlg, values: Mapping[tuple, Dict[str, str]], kind: str
) -> Dict[str, Dict[str, str]]:
    """{language: {label: text}} from the domain responses (absent ones are left out)."""
    labels = {}
    for language in LANGUAGES:
        rendered = {}
        for label, response in LABEL_RESPONSES.items():
            message = nlg.generate_from_slots(
                response, {SLOT_LANGUAGE: language}, "whatsapp", **values[(language, kind)]
            )
            if message and message.get("text"):
                rendered[label] = message["text"]
        labels[language] = rendered
    return labels


def keep(labels: Dict[str, Dict[str, str]]) -> None:
    """Called by the NLG when it gets the model's responses."""
    _rendered.clear()
    _rendered.update(labels)


def labels_for(language: Optional[str]) -> Dict[str, str]:
    """The channel's words in `language` ({} before the NLG has started: English defaults)."""
    return _rendered.get(language or "", {})
