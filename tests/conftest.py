"""Session-wide fixtures: real MariaDB and PostgreSQL servers, each started at
most once per test session and only when a test asks for it."""
from __future__ import annotations

import pytest

from tests.servers import find_mariadb, find_postgres, missing_requirement, start_mariadb, start_postgres


@pytest.fixture(scope="session")
def mariadb():
    """A throwaway MariaDB (tests.servers.MariaDB): .restore(dump, db), .connect(db)."""
    bins = find_mariadb()
    if bins is None:
        missing_requirement("MariaDB server/client binaries not found (apt-get install mariadb-server mariadb-client)")
    try:
        import pymysql  # noqa: F401
    except ImportError:
        missing_requirement("pymysql is not installed (pip install -e '.[test]')")
    with start_mariadb(bins) as server:
        yield server


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL (tests.servers.Postgres): .restore(dump, db), .connect(db)."""
    bins = find_postgres()
    if bins is None:
        missing_requirement("PostgreSQL binaries (initdb, postgres, psql, pg_restore, pg_dump) not found (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing_requirement("psycopg is not installed (pip install -e '.[test]')")
    with start_postgres(bins) as server:
        yield server
