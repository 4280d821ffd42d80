"""Create the practice's own tables before the servers start (idempotent).

    python -m actions.schema        # DATABASE_URL, as the action server uses it

Creates `appointment_requests` and `consents` when they are missing and says which it
created. scripts/run_actions.sh, cluster/prepare.py and the compose `prepare` job run it.
"""
import sys
from typing import List, Optional

from sqlalchemy import inspect

from actions import consent
from actions.store import Base, database_url, engine_for


def create_tables(url: Optional[str] = None) -> List[str]:
    """The tables that were missing and are created now."""
    engine = engine_for(url or database_url())  # creates appointment_requests
    created = ["consents"] if consent.create_table(engine) else []
    missing = [t for t in Base.metadata.tables if not inspect(engine).has_table(t)]
    if missing:
        raise RuntimeError(f"tables still missing: {', '.join(missing)}")
    return created


def main() -> int:
    for table in create_tables():
        print(f"created table {table}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
