import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pgserver import PgServer, start_server  # noqa: E402


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """One real PostgreSQL server for the session, with wal_level=logical for the reverse-path tests."""
    with start_server({"wal_level": "logical", "max_replication_slots": "4", "max_wal_senders": "4"}) as server:
        yield server
