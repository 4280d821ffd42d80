"""Checks the action server's replies against Rasa's schema with one prebuilt validator.

Rasa's RemoteAction calls `jsonschema.validate` on every reply, which first re-checks
Rasa's own (large) event schema against the JSON-schema meta-schema, every time: under
load that was the biggest single cost of the Rasa server (docs/performance.md). This
builds the validator once and checks each reply with the same schema, raising the same
error as `jsonschema.validate` would. assistant/rasa_patches.py installs it, once, when the
Rasa server starts (assistant/server.py).
"""

import functools
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def reply_validator() -> Any:
    """The validator for Rasa's action-reply schema, itself checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result`."""
    error = best_match(reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error
