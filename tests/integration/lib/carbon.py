"""A private carbon-cache (Debian graphite-carbon) for integration tests (run with /usr/bin/python3).

Carbon(port).start() runs `carbon-cache --nodaemon` with everything in a temporary directory: the plaintext line
receiver on 127.0.0.1:<port>, pickle receiver and UDP off, cache-query on an ephemeral port, 1-second retention
for an hour, no create/update rate limits, no tags. stop() is graceful (SIGTERM) and bounded; start() again
reuses the same port and data (a restart). Whisper files are read with python3-whisper.

Every wait is bounded; the process is stopped by its pid.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import harness

CARBON_CACHE = "/usr/bin/carbon-cache"

CONF = """[cache]
STORAGE_DIR = {root}/storage
LOCAL_DATA_DIR = {root}/storage/whisper
WHITELISTS_DIR = {root}/storage/lists
LOG_DIR = {root}/log
PID_DIR = {root}
USER =
ENABLE_LOGROTATION = False
ENABLE_TAGS = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_UPDATES_PER_SECOND_ON_SHUTDOWN = inf
MAX_CREATES_PER_MINUTE = inf
CACHE_WRITE_STRATEGY = max
WHISPER_AUTOFLUSH = True
WHISPER_FALLOCATE_CREATE = False
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {port}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_PORT = 0
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 0
USE_FLOW_CONTROL = False
LOG_LISTENER_CONNECTIONS = True
LOG_UPDATES = False
LOG_CREATES = False
LOG_CACHE_HITS = False
"""

SCHEMAS = """[everything_1s]
pattern = .*
retentions = 1s:1h
"""


def available() -> bool:
    if not os.access(CARBON_CACHE, os.X_OK):
        return False
    try:
        import whisper  # noqa: F401
    except ImportError:
        return False
    return True


class Carbon:
    """carbon-cache on 127.0.0.1:port (a free port when 0). Use as a context manager or call start/stop/cleanup."""

    def __init__(self, port: int = 0):
        self.port = port or harness.free_port()  # plaintext line receiver port
        self.root = Path(tempfile.mkdtemp(prefix="accurate-carbon."))  # config, data, logs
        self.proc: subprocess.Popen | None = None
        self.log = None  # file object receiving carbon's stdout/stderr
        (self.root / "carbon.conf").write_text(CONF.format(root=self.root, port=self.port))
        (self.root / "storage-schemas.conf").write_text(SCHEMAS)
        (self.root / "storage-aggregation.conf").write_text("[default]\npattern = .*\nxFilesFactor = 0\n"
                                                            "aggregationMethod = last\n")
        for sub in ("storage/whisper", "storage/lists", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def whisper_dir(self) -> Path:
        return self.root / "storage" / "whisper"

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def start(self, timeout: float = 15.0) -> "Carbon":
        if not available():
            raise FileNotFoundError(f"{CARBON_CACHE} or python3-whisper missing (install graphite-carbon)")
        self.log = open(self.root / "carbon.out", "a")
        env = dict(os.environ, GRAPHITE_ROOT=str(self.root), GRAPHITE_CONF_DIR=str(self.root))
        self.proc = subprocess.Popen(
            [CARBON_CACHE, "--nodaemon", f"--config={self.root / 'carbon.conf'}", f"--logdir={self.root / 'log'}",
             f"--pidfile={self.root / 'carbon.pid'}", "start"],
            preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            env=env, cwd=self.root)
        # Our own probe connections are harmless: they send nothing.
        if not harness.wait_until(lambda: self.proc.poll() is not None or self._listening(), timeout=timeout):
            self.stop()
            raise RuntimeError(f"carbon-cache did not listen on {self.port} within {timeout} s:\n{self.output()}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"carbon-cache exited ({self.proc.returncode}):\n{self.output()}")
        return self

    def stop(self) -> None:
        """Graceful stop: carbon writes its cache to the whisper files before it exits."""
        if self.proc is not None:
            harness.stop_process(self.proc, signal.SIGTERM, grace=10)
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None
        try:
            (self.root / "carbon.pid").unlink()
        except FileNotFoundError:
            pass

    def output(self) -> str:
        path = self.root / "carbon.out"
        text = path.read_text(errors="replace") if path.exists() else ""
        for log in sorted((self.root / "log").rglob("*.log")):
            text += f"\n--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
        return text[-6000:]

    def whisper_path(self, metric: str) -> Path:
        return self.whisper_dir.joinpath(*metric.split(".")).with_suffix(".wsp")

    def metrics(self) -> list[str]:
        """Names of every metric with a whisper file."""
        return sorted(".".join(p.relative_to(self.whisper_dir).with_suffix("").parts)
                      for p in self.whisper_dir.rglob("*.wsp"))

    def points(self, metric: str, first: int, last: int) -> dict[int, float]:
        """The stored (timestamp → value) of metric between epoch seconds first and last inclusive (None skipped)."""
        import whisper
        path = self.whisper_path(metric)
        if not path.exists():
            return {}
        (start, _end, step), values = whisper.fetch(str(path), first - 1, last + 1)
        return {start + i * step: v for i, v in enumerate(values) if v is not None and first <= start + i * step <= last}

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Carbon":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def wait_stored(carbon: Carbon, expected: dict, timeout: float) -> dict:
    """Polls the whisper files until every expected {metric: {ts: value}} point is stored or timeout passes;
    returns {metric: {ts: stored value or None}} for the points that differ (empty = all stored)."""
    deadline = time.monotonic() + timeout
    while True:
        wrong = {}
        for metric, points in expected.items():
            stored = carbon.points(metric, min(points), max(points))
            diff = {ts: stored.get(ts) for ts, v in points.items() if stored.get(ts) != v}
            if diff:
                wrong[metric] = diff
        if not wrong or time.monotonic() > deadline:
            return wrong
        time.sleep(0.2)
