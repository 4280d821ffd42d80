"""The action server's entry point: `python -m actions.server --actions actions --port N`
takes the arguments of rasa_sdk's own (scripts/run_actions.sh, deploy/docker-compose.yml).

Before it starts, the libraries' deprecation notices are silenced (logs.py), and so is
rasa_sdk's notice, on every turn of a form, about each slot that has no validate_<slot>
method: the triage form's yes/no slots are filled by their mappings on purpose.
"""

import logging
import sys

from logs import DropMessages, quiet_libraries


def main() -> None:
    quiet_libraries()
    logging.getLogger("rasa_sdk.forms").addFilter(DropMessages("Skipping validation for `"))
    from rasa_sdk.__main__ import main as sdk_main

    sys.argv[0] = "rasa_sdk"
    sdk_main()


if __name__ == "__main__":
    main()
