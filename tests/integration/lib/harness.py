"""Real-process test harness for accurate's integration tests (run with /usr/bin/python3).

- Nginx: a private nginx-light (tests/integration/lib/nginx.conf.in) on a free 127.0.0.1 port, foreground, one
  worker, everything in a temporary prefix; access log in that prefix; stopped gracefully (flushing its log).
- BadTargets: tests/integration/lib/bad_server.py in a subprocess, one port per misbehaviour.
- run_accurate(): runs the executable with a bounded time, returns exit code, stdout, stderr and wall time.
- report helpers: find the single report directory a run wrote and load its report.json.

Every wait is bounded; every process started here is stopped by its pid.
"""

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LIB_DIR = Path(__file__).resolve().parent
NGINX_BIN = os.environ.get("NGINX_BIN", "/usr/sbin/nginx")
PYTHON = "/usr/bin/python3"
REPORT_FILES = ("report.json", "stats.csv", "stats_history.csv", "failures.csv", "exceptions.csv", "report.html")
SKIP = 77  # ctest SKIP_RETURN_CODE used when a prerequisite (nginx, locust) is missing


def die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM when this test process dies (e.g. killed by ctest's TIMEOUT), so no
    nginx, bad server or accurate outlives a killed test. Linux prctl(PR_SET_PDEATHSIG); kept across exec."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that nothing listens on (a query there gets ICMP port unreachable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    """Polls predicate() until it is true or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def stop_process(proc: subprocess.Popen, first_signal=signal.SIGTERM, grace: float = 5.0) -> None:
    """Sends first_signal, then SIGKILL after grace seconds; reaps the process."""
    if proc.poll() is not None:
        return
    for sig, wait in ((first_signal, grace), (signal.SIGKILL, 5.0)):
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Nginx:
    """A private nginx on 127.0.0.1:port. Use as a context manager; .stop() flushes and keeps the log readable."""

    def __init__(self, access_log: bool = True, cpu: int | None = None, worker_connections: int = 4096):
        self.access_log_enabled = access_log  # whether requests are written to access.log
        self.cpu = cpu  # CPU to pin nginx to (taskset), None for no pinning
        self.worker_connections = worker_connections  # nginx events.worker_connections
        self.prefix: Path | None = None  # temporary directory holding config, logs, pid
        self.port = 0  # listening port on 127.0.0.1
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def _write_config(self) -> None:
        text = (LIB_DIR / "nginx.conf.in").read_text()
        log = f"{self.access_log} harness" if self.access_log_enabled else "off"
        replacements = {
            "@PREFIX@": str(self.prefix), "@PORT@": str(self.port), "@ACCESS_LOG@": log,
            "@USER_LINE@": "user root;" if os.geteuid() == 0 else "",
            "@WORKER_CONNECTIONS@": str(self.worker_connections),
            "@RLIMIT_NOFILE@": str(self.worker_connections + 64), "@SLOW_BODY@": "s" * 2048,
        }
        for key, value in replacements.items():
            text = text.replace(key, value)
        (self.prefix / "nginx.conf").write_text(text)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/nginx_status", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def start(self) -> "Nginx":
        if not os.access(NGINX_BIN, os.X_OK):
            raise FileNotFoundError(f"{NGINX_BIN} not found (install nginx-light)")
        self.prefix = Path(tempfile.mkdtemp(prefix="accurate-nginx."))
        error_log = self.prefix / "error.log"
        for _ in range(5):
            self.port = free_port()
            self._write_config()
            error_log.write_text("")
            cmd = [NGINX_BIN, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-e", str(error_log)]
            if self.cpu is not None:
                cmd = ["taskset", "-c", str(self.cpu)] + cmd
            self.proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if wait_until(lambda: self.proc.poll() is not None or self._ready(), timeout=5):
                if self.proc.poll() is None:
                    if self.access_log_enabled:
                        self.access_log.write_text("")
                    return self
            stop_process(self.proc, signal.SIGQUIT)
            if "Address already in use" not in error_log.read_text():
                break
        raise RuntimeError(f"nginx did not start: {error_log.read_text().strip()}")

    def stop(self) -> None:
        """Graceful stop (SIGQUIT lets nginx finish and log requests in progress); bounded."""
        if self.proc is None:
            return
        children = self._children()
        stop_process(self.proc, signal.SIGQUIT, grace=10)
        for pid in children:  # a worker outlives a killed master
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None

    def _children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            return [int(p) for p in text.split()]
        except OSError:
            return []

    def access_log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines()

    def stub_requests(self) -> int:
        """nginx's own count of requests served since start (includes the stub_status requests)."""
        with urllib.request.urlopen(f"{self.url}/nginx_status", timeout=2) as r:
            return int(r.read().decode().splitlines()[2].split()[2])

    def cleanup(self) -> None:
        self.stop()
        if self.prefix and self.prefix.exists():
            shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


class BadTargets:
    """bad_server.py in a subprocess; .ports maps mode → port, .url(mode) gives the base URL."""

    def __init__(self, lifetime: float = 300.0, hold: float = 30.0):
        self.lifetime = lifetime  # the server exits by itself after this many seconds
        self.hold = hold  # longest time it keeps a stalled connection
        self.proc: subprocess.Popen | None = None
        self.ports: dict[str, int] = {}
        self.accepted: dict[str, int] = {}  # connections accepted per mode, filled on stop

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.ports[mode]}"

    def start(self) -> "BadTargets":
        self.proc = subprocess.Popen(
            [PYTHON, str(LIB_DIR / "bad_server.py"), "--lifetime", str(self.lifetime), "--hold", str(self.hold)],
            preexec_fn=die_with_parent, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=10):
                stop_process(self.proc)
                raise RuntimeError("bad_server.py did not report its ports within 10 s")
        line = self.proc.stdout.readline()
        if not line:
            stop_process(self.proc)
            raise RuntimeError(f"bad_server.py failed: {self.proc.stderr.read()}")
        self.ports = json.loads(line)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_process(self.proc, signal.SIGTERM)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        for line in err.splitlines():
            if line.startswith("{"):
                self.accepted = json.loads(line).get("accepted", {})
        self.proc = None

    def __enter__(self) -> "BadTargets":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Run:
    """The outcome of one accurate process."""
    args: list  # the full command line
    returncode: int  # exit code (negative: killed by that signal)
    stdout: str  # everything printed on stdout
    stderr: str  # everything printed on stderr
    seconds: float  # wall time from start to exit

    def describe(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-15:])
        return f"command: {' '.join(self.args)}\nexit code: {self.returncode}\nstderr (last lines):\n{tail}"


def run_accurate(exe: str, args: list, timeout: float, cwd: str | None = None) -> Run:
    """Runs accurate to completion; kills it (and fails loudly) when it outlives timeout seconds."""
    cmd = [exe] + [str(a) for a in args]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(proc, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"accurate did not exit within {timeout} s: {' '.join(cmd)}\nstderr:\n{err[-3000:]}")
    return Run(cmd, proc.returncode, out, err, time.monotonic() - start)


def report_dirs(reports_dir: Path) -> list[Path]:
    """Report directories (not temporary ones) directly under reports_dir."""
    if not reports_dir.exists():
        return []
    return sorted(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".tmp"))


def leftovers(reports_dir: Path) -> list[str]:
    """Names under reports_dir (recursively) that look like unfinished atomic writes."""
    if not reports_dir.exists():
        return []
    return [str(p.relative_to(reports_dir)) for p in reports_dir.rglob("*") if ".tmp" in p.name]


def single_report_dir(reports_dir: Path) -> Path:
    dirs = report_dirs(reports_dir)
    if len(dirs) != 1:
        names = [p.name for p in reports_dir.iterdir()] if reports_dir.exists() else []
        raise AssertionError(f"expected exactly one report directory in {reports_dir}, found {names}")
    return dirs[0]


def load_report(report_dir: Path) -> dict:
    return json.loads((report_dir / "report.json").read_text())


def accurate_exe_from_argv() -> str:
    """The executable path passed as the first argument (ctest passes $<TARGET_FILE:accurate>)."""
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} PATH_TO_ACCURATE [unittest args]")
    exe = sys.argv.pop(1)
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe}: not an executable")
    return exe


def http_args(url: str, users: int, rate: int, duration: str, reports_dir: Path, *extra) -> list:
    """The common command line: the generic http plugin, headless, one thread, reports under reports_dir."""
    return ["--plugins", "http", "-H", url, "-u", users, "-r", rate, "-t", duration, "--headless",
            "--threads", "1", "--reports-dir", reports_dir, *extra]


def require_nginx() -> None:
    """Exits with SKIP when nginx is not installed (ctest reports the test as skipped)."""
    if not os.access(NGINX_BIN, os.X_OK):
        print(f"SKIP: {NGINX_BIN} not installed (nginx-light)")
        sys.exit(SKIP)


def access_log_by_path(lines: list[str]) -> dict:
    """Counts access-log lines (harness format) per (status, method, path)."""
    counts: dict = {}
    for line in lines:
        fields = line.split()
        key = (int(fields[1]), fields[2], fields[3].strip('"'))
        counts[key] = counts.get(key, 0) + 1
    return counts


class Findings:
    """Collects independent checks so one failing run reports every broken property, not only the first."""

    def __init__(self):
        self.problems: list[str] = []

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            self.problems.append(message)
        return ok

    def equal(self, actual, expected, what: str) -> bool:
        return self.check(actual == expected, f"{what}: got {actual!r}, expected {expected!r}")

    def raise_if_any(self, context: str = "") -> None:
        if self.problems:
            raise AssertionError("\n".join(["", *(f"- {p}" for p in self.problems), context]))


class DesignateSim:
    """build/designate-sim (next to the accurate executable) on 127.0.0.1 with ephemeral API and DNS ports.
    extra: additional designate-sim flags (delays, faults, keystone users)."""

    def __init__(self, accurate_exe: str, *extra):
        self.exe = str(Path(accurate_exe).resolve().parent / "designate-sim")  # the simulator executable
        self.extra = [str(e) for e in extra]  # extra command-line flags
        self.proc: subprocess.Popen | None = None
        self.tmp: Path | None = None  # holds the port file and the simulator's log
        self.http_port = 0  # API + identity port
        self.dns_port = 0  # DNS port (UDP and TCP)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> "DesignateSim":
        if not os.access(self.exe, os.X_OK):
            raise FileNotFoundError(f"{self.exe} not built")
        self.tmp = Path(tempfile.mkdtemp(prefix="accurate-dsim."))
        port_file = self.tmp / "ports.json"
        self.log = open(self.tmp / "sim.log", "w")
        self.proc = subprocess.Popen([self.exe, "--port-file", str(port_file), *self.extra],
                                     preexec_fn=die_with_parent, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not wait_until(lambda: self.proc.poll() is not None or port_file.exists(), timeout=10):
            self.stop()
            raise RuntimeError("designate-sim did not write its port file within 10 s")
        if self.proc.poll() is not None:
            raise RuntimeError(f"designate-sim exited: {(self.tmp / 'sim.log').read_text()[-2000:]}")
        ports = json.loads(port_file.read_text())
        self.http_port, self.dns_port = ports["http_port"], ports["dns_port"]
        return self

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 5):
        """One API call; returns (status, parsed JSON body or text)."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, signal.SIGTERM)
            self.proc = None
            self.log.close()

    def cleanup(self) -> None:
        self.stop()
        if self.tmp and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "DesignateSim":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def require_designate_sim(accurate_exe: str) -> None:
    """Fails (not skips) when the simulator was not built: it is part of every build."""
    exe = Path(accurate_exe).resolve().parent / "designate-sim"
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe} not built")


class AccurateWeb:
    """accurate in web UI mode (no --headless) on a free 127.0.0.1 port, its output in a temporary file.
    args: the rest of the command line (plugins, config, target...). stop() sends SIGINT (a graceful quit that
    writes the running test's report) and returns the exit code."""

    def __init__(self, exe: str, args: list, scheme: str = "http", env: dict | None = None):
        self.exe = exe  # the accurate executable
        self.args = [str(a) for a in args]  # command line after the executable (--web-port is added)
        self.scheme = scheme  # "https" when started with --tls-cert/--tls-key
        self.env = env  # environment (None = inherit)
        self.port = free_port()  # web UI port
        self.proc: subprocess.Popen | None = None
        self.log_file = tempfile.NamedTemporaryFile(prefix="accurate-web.", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 15) -> "AccurateWeb":
        cmd = [self.exe, *self.args, "--web-port", str(self.port)]
        self.proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL,
                                     stdout=self.log_file, stderr=subprocess.STDOUT, env=self.env)

        def listening() -> bool:
            if self.proc.poll() is not None:
                return True
            with socket.socket() as s:
                s.settimeout(0.2)
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        if not wait_until(listening, ready_timeout, 0.1) or self.proc.poll() is not None:
            code = self.proc.poll()
            self.stop()
            raise RuntimeError(f"accurate web UI did not start (exit {code}): {' '.join(cmd)}\n{self.output()[-3000:]}")
        return self

    def output(self) -> str:
        """Everything the process printed so far."""
        return Path(self.log_file.name).read_text(errors="replace")

    def stop(self, timeout: float = 20) -> int | None:
        """SIGINT, then SIGKILL after timeout seconds; the exit code (None when it was not started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                stop_process(self.proc, signal.SIGKILL)
                raise AssertionError(f"accurate did not quit within {timeout} s of SIGINT\n{self.output()[-3000:]}")
        return self.proc.returncode

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            self.log_file.close()
            Path(self.log_file.name).unlink(missing_ok=True)

    def __enter__(self) -> "AccurateWeb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def http_get(url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None,
             timeout: float = 10, context=None) -> tuple[int, dict, bytes]:
    """One request; (status, headers, body) for every status, including 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
