"""The Rasa server's entry point: `python -m assistant.server run ...` takes the arguments
of `rasa run` (scripts/run_rasa.sh, deploy/docker-compose.yml).

Before Rasa starts, the libraries' deprecation notices are silenced and a request refused
for want of the API token is logged as a warning, not an error (logs.py); and the
project's one patch of Rasa is installed, after checking that the installed Rasa is the
release whose internals the project relies on (assistant/rasa_patches.py).
"""

import logging
import sys

from logs import Demote, quiet_libraries


def main() -> None:
    quiet_libraries()
    logging.getLogger("rasa.server").addFilter(
        Demote("User is not authenticated.", "User has insufficient permissions.")
    )
    from assistant import rasa_patches

    rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
