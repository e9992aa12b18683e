"""A throwaway PostgreSQL server for tests that need a real one.

`start_server()` runs `initdb` into a temporary directory and `pg_ctl start` on a free local port,
as the unprivileged `postgres` OS user when the tests run as root (initdb refuses root).
Use through the `pg_server` fixture in `conftest.py`; it stops the server and removes the directory.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import psycopg

_BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client or server program (psql, initdb, pg_ctl): PATH first, then Debian's dirs."""
    found = shutil.which(name)
    if found:
        return found
    for d in _BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    raise FileNotFoundError(f"{name} not found: install Debian's postgresql package")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    port: int
    datadir: Path
    superuser: str = "postgres"
    _run_as: list[str] = field(default_factory=list)

    def dsn(self, dbname: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        parts = [f"host=127.0.0.1 port={self.port} dbname={dbname} user={user or self.superuser}"]
        if password:
            parts.append(f"password={password}")
        return " ".join(parts)

    def connect(
        self, dbname: str = "postgres", user: str | None = None, password: str | None = None, autocommit: bool = True
    ) -> psycopg.Connection:
        return psycopg.connect(self.dsn(dbname, user, password), autocommit=autocommit)

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run a script of one or more statements as the superuser."""
        with self.connect(dbname) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def database(self, name: str, *scripts: str) -> str:
        """A new database with `scripts` applied in order (the DDL parts, say): its name."""
        self.create_database(name)
        for script in scripts:
            self.execute(script, dbname=name)
        return name

    def psql(self, script: str, dbname: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """`script` through the real psql (its backslash commands too: \\copy reads files relative to `cwd`),
        stopping at the first error."""
        args = [pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(
            [*args, "-U", self.superuser, "-d", dbname, "-f", "-"],
            input=script,
            text=True,
            capture_output=True,
            cwd=cwd,
        )


def _runner() -> list[str]:
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # raises KeyError when the user is missing
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def start_server(settings: dict[str, str] | None = None) -> Iterator[PgServer]:
    run_as = _runner()
    tmp = Path(tempfile.mkdtemp(prefix="oracle2pg-pg-"))
    datadir = tmp / "data"
    if run_as:
        shutil.chown(tmp, "postgres", "postgres")
    subprocess.run(
        run_as
        + [
            pg_tool("initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    opts = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{tmp}'",
        "fsync": "off",
        "max_connections": "40",
        **(settings or {}),
    }
    with open(datadir / "postgresql.conf", "a", encoding="utf-8") as conf:
        for key, value in opts.items():
            conf.write(f"{key} = {value}\n")
    subprocess.run(
        run_as + [pg_tool("pg_ctl"), "-D", str(datadir), "-l", str(tmp / "log"), "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
    )
    server = PgServer(port=port, datadir=datadir, _run_as=run_as)
    try:
        yield server
    finally:
        subprocess.run(
            run_as + [pg_tool("pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(tmp, ignore_errors=True)
