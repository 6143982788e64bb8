"""The service's own Neo4j: server jars resolved from Maven Central, run as a child process.

The jars are resolved once into a cache folder with the machine's `mvn`; every later start
works offline. Each instance lives in one data folder holding its `conf/`, `data/`, `logs/`,
its generated password and a small state file that `provgraph neo4j status` reads.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

import cypher
from service.settings import NEO4J_VERSION

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
# neo4j-server carries the server; org.neo4j:neo4j carries the community entry point and
# the editions' modules, so both are resolved together.
ARTIFACTS = (("org.neo4j.app", "neo4j-server"), ("org.neo4j", "neo4j"))
ALTERNATIVES = (
    "Alternatives: point NEO4J_URI (with NEO4J_USER/NEO4J_PASSWORD) at an existing Neo4j 5.26 "
    "server, or run `docker compose up`."
)
STARTUP_TIMEOUT_S = 180.0
log = logging.getLogger("provgraph")
DEFAULT_BOLT_PORT = 7687
TRANSACTION_SHARE = 0.4  # of the heap, for one transaction


class LauncherError(RuntimeError):
    """The local Neo4j could not be prepared, started or stopped; the message says why."""


@dataclass(frozen=True)
class Neo4jConnection:
    uri: str
    user: str
    password: str | None
    pid: int

    def env_lines(self) -> list[str]:
        return [
            f"NEO4J_URI={self.uri}",
            f"NEO4J_USER={self.user}",
            f"NEO4J_PASSWORD={self.password or ''}",
            f"NEO4J_PID={self.pid}",
        ]


def java_executable() -> str:
    """The path of a Java 17+ `java`, or a LauncherError naming what to install."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise LauncherError(f"Java 17 or newer is needed to run the local Neo4j. {ALTERNATIVES}")
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):
        major = int(match.group(2))
    if major < 17:
        raise LauncherError(
            f"Java 17 or newer is needed to run the local Neo4j (found: {out.strip()[:80]!r}). "
            f"{ALTERNATIVES}"
        )
    return candidate


def resolve_jars(cache_dir: Path, version: str = NEO4J_VERSION) -> Path:
    """The folder of Neo4j's jars, resolved with Maven on first use and cached for later."""
    lib = cache_dir / f"neo4j-{version}" / "lib"
    marker = lib / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise LauncherError(
            "Maven (`mvn`) is needed once to fetch the Neo4j server jars from Maven Central. "
            f"{ALTERNATIVES}"
        )
    dependencies = "".join(
        f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>"
        for group, artifact in ARTIFACTS
    )
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>provgraph</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>"
        f"<packaging>pom</packaging><dependencies>{dependencies}</dependencies></project>"
    )
    lib.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=lib.parent) as tmp:
        (Path(tmp) / "pom.xml").write_text(pom)
        staged = Path(tmp) / "lib"
        result = subprocess.run(
            [mvn, "-B", "-q", "dependency:copy-dependencies", f"-DoutputDirectory={staged}"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
            raise LauncherError(f"Maven could not resolve Neo4j {version}:\n{tail}")
        if lib.exists():
            shutil.rmtree(lib)
        staged.rename(lib)
    marker.write_text(version + "\n")
    return lib


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As Neo4j binds: connections of an earlier, killed instance in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"):
        return False  # a zombie has exited; only its parent has not reaped it yet
    return True


def share_of(size: str, share: float) -> str:
    """A share of a JVM size such as `512m` or `2g`, in megabytes (at least 64m)."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    number, unit = size[:-1], size[-1].lower()
    megabytes = float(number) * units[unit] if unit in units else float(size) / 2**20
    return f"{max(int(megabytes * share), 64)}m"


def half_of(size: str) -> str:
    return share_of(size, 0.5)


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM us when the parent dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class LocalNeo4j:
    """One local Neo4j instance rooted in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        cache_dir: Path,
        *,
        bolt_port: int | None = None,
        auth: bool = True,
        heap: str = "512m",
        pagecache: str = "256m",
        transaction_max: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.cache_dir = cache_dir
        # None: 7687, or a free port when 7687 is taken; 0: any free port; else pinned.
        self.bolt_port = bolt_port
        self.auth = auth
        self.heap = heap
        self.pagecache = pagecache
        # One transaction's memory limit; by default TRANSACTION_SHARE of the heap.
        self.transaction_max = transaction_max or share_of(heap, TRANSACTION_SHARE)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def state_file(self) -> Path:
        return self.data_dir / "run" / "provgraph-neo4j.json"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "neo4j.log"

    @property
    def console_file(self) -> Path:
        return self.data_dir / "logs" / "console.log"

    def status(self) -> Neo4jConnection | None:
        """The running instance of this data folder, or None."""
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        connection = Neo4jConnection(**state)
        if not process_alive(connection.pid):
            return None
        return connection

    def start(self, *, detach: bool = False) -> Neo4jConnection:
        """Start Neo4j and wait until Bolt answers; `detach` lets it outlive this process."""
        running = self.status()
        if running:
            raise LauncherError(
                f"A local Neo4j already runs on {self.data_dir} (pid {running.pid}, "
                f"{running.uri}); stop it with `provgraph neo4j stop`."
            )
        port = self.choose_port()
        java = java_executable()
        lib = resolve_jars(self.cache_dir)
        self._write_config(port)
        self.console_file.parent.mkdir(parents=True, exist_ok=True)
        console = self.console_file.open("ab")
        command = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            "-cp",
            f"{lib}/*",
            MAIN_CLASS,
            f"--home-dir={self.data_dir}",
            f"--config-dir={self.data_dir / 'conf'}",
        ]
        self.process = subprocess.Popen(
            command,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, not Java directly
            preexec_fn=None if detach else _die_with_parent,
        )
        console.close()
        uri = f"bolt://127.0.0.1:{port}"
        password = self._password() if self.auth else None
        connection = Neo4jConnection(uri, "neo4j", password, self.process.pid)
        try:
            self._wait_for_bolt(connection)
        except BaseException:
            self.stop()
            raise
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(asdict(connection)))
        self.state_file.chmod(0o600)
        return connection

    def choose_port(self) -> int:
        """The Bolt port to start on, decided before anything is downloaded: a pinned port
        must be free; without a pin, 7687 when free, else any free loopback port."""
        if self.bolt_port:
            if not port_is_free(self.bolt_port):
                raise LauncherError(
                    f"Bolt port {self.bolt_port} is taken (pinned by --bolt-port or "
                    "PROVGRAPH_NEO4J_BOLT_PORT); stop what listens there, pin another port, or "
                    "unset the pin to let provgraph choose a free one."
                )
            return self.bolt_port
        if self.bolt_port is None and port_is_free(DEFAULT_BOLT_PORT):
            return DEFAULT_BOLT_PORT
        port = free_port()
        if self.bolt_port is None:
            log.info(
                "Bolt port %s is taken: the local Neo4j listens on 127.0.0.1:%s instead "
                "(`provgraph neo4j status` prints it)",
                DEFAULT_BOLT_PORT,
                port,
            )
        return port

    def stop(self, timeout_s: float = 60.0) -> bool:
        """SIGTERM, wait, then SIGKILL. True when an instance was running."""
        pid = self.process.pid if self.process else None
        if pid is None:
            running = self.status()
            pid = running.pid if running else None
        if pid is None:
            return False
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout_s
        while self._alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if self._alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while self._alive(pid):
                time.sleep(0.1)
        self.process = None
        running = self.status()
        if running is None or running.pid == pid:
            self.state_file.unlink(missing_ok=True)
        return True

    def _alive(self, pid: int) -> bool:
        if self.process is not None and self.process.pid == pid:
            return self.process.poll() is None
        return process_alive(pid)

    def _password(self) -> str:
        path = self.data_dir / "password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def _write_config(self, port: int) -> None:
        conf = self.data_dir / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true" if self.auth else "false",
            "server.memory.pagecache.size": self.pagecache,
            # Transactions may hold half the heap together, one of them 40 %: a write that
            # grows too large fails with Neo4j's own memory-pool error (a 413, nothing
            # written) long before the heap runs out, and leaves room for everyone else's.
            # A bigger heap (large benchmarks) allows bigger transactions.
            "dbms.memory.transaction.total.max": half_of(self.heap),
            "db.memory.transaction.max": self.transaction_max,
            # How often Neo4j looks for transactions past their timeout (default 2 s): a
            # timeout is kept to within this, not to within two seconds.
            "db.transaction.monitor.check.interval": "200ms",
            "db.tx_log.rotation.retention_policy": "2 files",
            "dbms.usage_report.enabled": "false",
        }
        text = "".join(f"{key}={value}\n" for key, value in settings.items())
        (conf / "neo4j.conf").write_text("# written by provgraph at every start\n" + text)

    def _wait_for_bolt(self, connection: Neo4jConnection) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise LauncherError(
                    f"Neo4j exited with code {self.process.returncode} while starting.\n"
                    + self._log_tail()
                )
            if self._bolt_answers(connection):
                return
            time.sleep(0.5)
        raise LauncherError(
            f"Neo4j did not answer on {connection.uri} within {STARTUP_TIMEOUT_S:.0f} s.\n"
            + self._log_tail()
        )

    def _bolt_answers(self, connection: Neo4jConnection) -> bool:
        auth = (connection.user, connection.password) if connection.password else None
        try:
            with GraphDatabase.driver(connection.uri, auth=auth, connection_timeout=2) as driver:
                driver.verify_connectivity()
            return True
        except AuthError:
            return self._set_initial_password(connection)
        except (ServiceUnavailable, OSError):
            return False

    def _set_initial_password(self, connection: Neo4jConnection) -> bool:
        """First start with auth: replace the default password with the generated one."""
        with GraphDatabase.driver(connection.uri, auth=("neo4j", "neo4j")) as driver:
            driver.execute_query(
                cypher.load("admin/set_initial_password"),
                old="neo4j",
                new=connection.password,
                database_="system",
            )
        return False  # the next poll connects with the new password

    def _log_tail(self, lines: int = 20) -> str:
        for path in (self.log_file, self.console_file):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                return f"Last lines of {path}:\n" + "\n".join(tail)
        return f"No Neo4j log was written under {self.data_dir / 'logs'}."
