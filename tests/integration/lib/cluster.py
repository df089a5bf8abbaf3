"""Helpers of the cluster integration tests (test_cluster.py, test_cluster_locust.py): background processes with
their output in files, the master's /status workers, JSON documents printed one after another, and sdk::Histogram's
quantiles rebuilt from [[bucket, count], ...] pairs.

Every wait is bounded; every process is stopped by its pid; 127.0.0.1 only.
"""

import json
import math
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import harness

# --- background processes ---------------------------------------------------------------------------------------


class Proc:
    """A process running in the background, stdout and stderr in temporary files (no pipe can fill up)."""

    def __init__(self, cmd: list, name: str, cwd: str | None = None, env: dict | None = None):
        self.cmd = [str(c) for c in cmd]  # the full command line
        self.name = name  # label used in messages
        self.out = tempfile.NamedTemporaryFile(prefix=f"accurate-{name}.", suffix=".out", delete=False)
        self.err = tempfile.NamedTemporaryFile(prefix=f"accurate-{name}.", suffix=".err", delete=False)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=self.err, cwd=cwd, env=env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def stdout(self) -> str:
        return Path(self.out.name).read_text(errors="replace")

    def stderr(self) -> str:
        return Path(self.err.name).read_text(errors="replace")

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None when it still runs after timeout seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill9(self) -> None:
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, first_signal=signal.SIGTERM, grace: float = 10) -> int | None:
        harness.stop_process(self.proc, first_signal, grace)
        return self.proc.returncode

    def describe(self, lines: int = 25) -> str:
        tail = "\n".join(self.stderr().strip().splitlines()[-lines:])
        return (f"[{self.name}] {' '.join(self.cmd)}\n  exit code: {self.proc.poll()}\n  stderr (last lines):\n"
                + "\n".join("    " + line for line in tail.splitlines()))

    def cleanup(self) -> None:
        try:
            self.stop(signal.SIGKILL, grace=5)
        finally:
            for f in (self.out, self.err):
                f.close()
                Path(f.name).unlink(missing_ok=True)


class Processes:
    """Owns every Proc a test starts; cleanup() kills whatever still runs (use in tearDown)."""

    def __init__(self):
        self.procs: list[Proc] = []

    def start(self, cmd: list, name: str, **kwargs) -> Proc:
        proc = Proc(cmd, name, **kwargs)
        self.procs.append(proc)
        return proc

    def describe(self) -> str:
        return "\n".join(p.describe() for p in self.procs)

    def cleanup(self) -> None:
        for proc in reversed(self.procs):
            proc.cleanup()
        self.procs = []


# --- output parsing ---------------------------------------------------------------------------------------------


def json_documents(text: str) -> list:
    """The JSON documents printed one after another (whitespace between them); stray text is an error."""
    decoder = json.JSONDecoder()
    docs, pos, text = [], 0, text.strip()
    while pos < len(text):
        doc, end = decoder.raw_decode(text, pos)
        docs.append(doc)
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return docs


def worker_total(proc: Proc) -> tuple[int, list]:
    """A worker's own --json summaries: (sum of total.num_requests over every test, the documents)."""
    docs = json_documents(proc.stdout())
    return sum(d["total"]["num_requests"] for d in docs), docs


def status(web_url: str) -> dict:
    code, _, body = harness.http_get(f"{web_url}/status", timeout=5)
    if code != 200:
        raise AssertionError(f"GET /status answered {code}: {body[:300]!r}")
    return json.loads(body)


def worker_users(worker: dict) -> int:
    """Users of one /status (or report) worker item ("users"; "user_count" in Locust's naming)."""
    return int(worker.get("users", worker.get("user_count", 0)) or 0)


def wait_for(predicate, timeout: float, interval: float = 0.2):
    """Polls predicate() (which returns a truthy value when done) until timeout; returns its last value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, ValueError):  # a server not up yet, or a half-written answer
            value = None
        if value:
            return value
        time.sleep(interval)
    try:
        return predicate()
    except (OSError, ValueError):
        return None


# --- sdk::Histogram in Python (core/src/stats/histogram.cpp, histogram_layout.hpp) ------------------------------

SUB_BUCKET_BITS = 10
SUB_BUCKET_COUNT = 1 << SUB_BUCKET_BITS
UNIT_BUCKET_LIMIT = SUB_BUCKET_COUNT * 2
MAX_EXPONENT = 40
BUCKET_COUNT = UNIT_BUCKET_LIMIT + (MAX_EXPONENT - SUB_BUCKET_BITS) * SUB_BUCKET_COUNT
REPORT_QUANTILES = ("0.5", "0.66", "0.75", "0.8", "0.9", "0.95", "0.98", "0.99", "0.999", "0.9999")


def bucket_lowest(index: int) -> int:
    i = min(index, BUCKET_COUNT - 1)
    if i < UNIT_BUCKET_LIMIT:
        return i
    k = i - UNIT_BUCKET_LIMIT
    return (SUB_BUCKET_COUNT + k % SUB_BUCKET_COUNT) << (k // SUB_BUCKET_COUNT + 1)


def bucket_highest(index: int) -> int:
    i = min(index, BUCKET_COUNT - 1)
    if i < UNIT_BUCKET_LIMIT:
        return i
    return bucket_lowest(i) + (1 << ((i - UNIT_BUCKET_LIMIT) // SUB_BUCKET_COUNT + 1)) - 1


def merge_histograms(histograms: list) -> list:
    """Adds several [[bucket, count], ...] lists; the result is sorted by bucket."""
    counts: dict = {}
    for histogram in histograms:
        for bucket, count in histogram:
            counts[int(bucket)] = counts.get(int(bucket), 0) + int(count)
    return sorted(counts.items())


def value_at_quantile(buckets: list, q: float, min_us: int, max_us: int) -> int:
    """sdk::Histogram::valueAtQuantile for the sorted (bucket, count) pairs with exact min and max (µs)."""
    total = sum(c for _, c in buckets)
    if total == 0:
        return 0
    if not q > 0:
        return min_us
    if q >= 1:
        return max_us
    rank = max(1, math.ceil(q * total * (1 - 1e-12)))
    seen = 0
    for bucket, count in buckets:
        seen += count
        if seen >= rank:
            low = bucket_lowest(bucket)
            middle = low + (bucket_highest(bucket) - low) // 2
            return min(max(middle, min_us), max_us)
    return max_us


def ms_to_us(ms: float) -> int:
    return int(round(ms * 1000))


def free_ports(n: int) -> list[int]:
    """n distinct free ports on 127.0.0.1."""
    ports: set[int] = set()
    for _ in range(100 * n):
        if len(ports) == n:
            break
        ports.add(harness.free_port())
    return sorted(ports)


def key_files(directory: Path) -> list[str]:
    """Relative paths of every file under directory (sorted)."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def mode_of(path: Path) -> int:
    return os.stat(path).st_mode & 0o777
