"""A real Neo4j 5 Community server for the tests and benchmarks, without Docker.

The jars come from Maven Central (tools/neo4j/pom.xml) into .neo4j/lib on first use; Launcher.java
runs them in one JVM, Bolt on 127.0.0.1 only, auth off, HTTP off, usage reports off, a fresh home
folder per run. Community has one user database per server, so `more()` starts another server in the
same JVM when a caller needs a second empty graph at the same time.

    python -m tools.neo4j.server check      # prints why Neo4j cannot run here, exit 1; or exit 0
    python -m tools.neo4j.server fetch      # download the jars now
    python -m tools.neo4j.server run -- CMD # start, run CMD with NEO4J_URI set, stop
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
POM = HERE / "pom.xml"
LAUNCHER = HERE / "Launcher.java"
LIB = ROOT / ".neo4j" / "lib"
STAMP = LIB / ".pom-sha256"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
JVM_FLAGS = [  # the flags Neo4j's own neo4j.conf ships, and a heap that fits the test machines
    "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dfile.encoding=UTF-8",
]
START_TIMEOUT_S = 240  # cold JVM + first store on 2 busy cores
STOP_TIMEOUT_S = 60


class Neo4jUnavailable(RuntimeError):
    """Java or Maven is missing, or the jars cannot be fetched."""


class Neo4jStartError(RuntimeError):
    """The server did not print READY in time; the message carries its log tail."""


def java_version() -> int | None:
    java = shutil.which("java")
    if not java:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    m = re.search(r'version "(\d+)', out)
    return int(m.group(1)) if m else None


def jars_ready() -> bool:
    return STAMP.exists() and STAMP.read_text().strip() == _pom_hash()


def missing() -> str | None:
    """Why Neo4j cannot run on this machine, or None."""
    version = java_version()
    if version is None:
        return "no Java (java not on PATH; Neo4j 5.26 needs Java 17 or 21)"
    if version < 17:
        return f"Java {version} is too old (Neo4j 5.26 needs Java 17 or 21)"
    if not jars_ready() and not shutil.which("mvn"):
        return "no Maven (mvn not on PATH) to fetch the Neo4j jars"
    return None


def fetch_jars() -> int:
    """Copy the pom's runtime jars into .neo4j/lib unless already there; returns their size in bytes."""
    if not jars_ready():
        reason = missing()
        if reason:
            raise Neo4jUnavailable(reason)
        LIB.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="lib-", dir=LIB.parent))
        cmd = ["mvn", "-B", "-q", "-f", str(POM), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
               f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise Neo4jUnavailable("mvn could not fetch the Neo4j jars:\n" + _tail(done.stdout + done.stderr))
        (staging / STAMP.name).write_text(_pom_hash())
        shutil.rmtree(LIB, ignore_errors=True)
        staging.rename(LIB)  # whole or not at all: an interrupted fetch leaves no half folder
    return sum(p.stat().st_size for p in LIB.glob("*.jar"))


class Neo4jServer:
    """One JVM running one or more Neo4j servers; use as a context manager.

    `start()` gives the first server's bolt URI, `more()` starts another and gives its URI."""

    def __init__(self, home: Path | None = None, *, start_timeout_s: float = START_TIMEOUT_S):
        self.home = Path(home) if home else Path(tempfile.mkdtemp(prefix="dutygraph-neo4j-"))
        self._own_home = home is None
        self.start_timeout_s = start_timeout_s
        self.uris: list[str] = []
        self.start_seconds: float | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()

    def start(self) -> str:
        fetch_jars()
        self.home.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        cmd = ["java", *JVM_FLAGS, "-cp", f"{LIB}/*", str(LAUNCHER), str(self.home / "servers")]
        self._stderr = open(self.home / "launcher.log", "w", encoding="utf-8")  # noqa: SIM115
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                      text=True, encoding="utf-8", cwd=self.home)
        self._reader = threading.Thread(target=self._read_stdout, name="neo4j-stdout", daemon=True)
        self._reader.start()
        uri = self._await_ready()
        self.start_seconds = time.monotonic() - started
        return uri

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def more(self) -> str:
        """Start one more server (an empty database of its own); returns its bolt URI."""
        if self._proc is None or self._proc.stdin is None:
            raise RuntimeError("start() first")
        self._proc.stdin.write("more\n")
        self._proc.stdin.flush()
        return self._await_ready()

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()  # the launcher shuts every server down cleanly when stdin closes
                proc.wait(timeout=STOP_TIMEOUT_S)
            except (subprocess.TimeoutExpired, BrokenPipeError):
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self._reader.join(timeout=10)
            if proc.stdout:
                proc.stdout.close()
            self._stderr.close()
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> Neo4jServer:  # noqa: PYI034
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        logs = [self.home / "launcher.log", *sorted(self.home.glob("servers/*/logs/debug.log"))[-1:]]
        for log in logs:
            if log.exists():
                parts.append(f"--- {log}\n" + _tail(log.read_text(encoding="utf-8", errors="replace"), lines))
        return "\n".join(parts) or f"(no log in {self.home})"

    # ---- internals ------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def _await_ready(self) -> str:
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = ""
                if left <= 0:
                    self._fail(f"Neo4j did not start within {self.start_timeout_s:.0f} s")
            if line is None:
                self._fail("Neo4j stopped during start-up")
            if line and line.startswith("READY "):
                uri = line.split()[1]
                self.uris.append(uri)
                return uri

    def _fail(self, what: str) -> None:
        tail = self.log_tail()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()  # mid start-up it does not read stdin yet; SIGTERM runs its shutdown hook
        self.stop()
        raise Neo4jStartError(f"{what}\n{tail}")


def _pom_hash() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "check":
        reason = missing()
        if reason:
            print(reason)
            return 1
        return 0
    if command == "fetch":
        size = fetch_jars()
        print(f"{LIB}: {len(list(LIB.glob('*.jar')))} jars, {size / 2**20:.0f} MiB")
        return 0
    if command == "run":
        cmd = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        with Neo4jServer() as server:
            print(f"Neo4j ready at {server.uris[0]} in {server.start_seconds:.1f} s", flush=True)
            return subprocess.run(cmd, env={**os.environ, "NEO4J_URI": server.uris[0]}, check=False).returncode
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
