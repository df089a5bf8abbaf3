#!/usr/bin/python3
"""The web UI in a real browser: accurate in web mode (http + auth plugins, Basic auth from a users file made by
`accurate auth add-user`) against nginx, driven by tests/e2e/web_ui.mjs (headless Debian Chromium through
playwright-core): 401 without credentials, log in, start 5 users, stats fill, chart drawn, change to 8 users, stop,
newest report with its tables. Then SIGINT: accurate exits promptly and the report of the test is on disk.

Screenshots: $ACCURATE_ARTIFACTS_DIR/web_ui/ when set; else <build dir>/test-artifacts/web_ui/ when the executable
sits in a cmake build directory; else a new temporary directory (printed).
Skips (exit 77) when nginx, node, Chromium or web/node_modules (npm ci in web/) is missing.

Usage: test_web_ui.py PATH_TO_ACCURATE [unittest args]
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
E2E_SCRIPT = ROOT / "tests" / "e2e" / "web_ui.mjs"
NODE_MODULES = ROOT / "web" / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODE = shutil.which("node") or "/usr/bin/node"

USER = "e2e"
PASSWORD = "open sesame:42"  # a space and a colon: Basic auth splits at the first colon only
E2E_TIMEOUT = 180  # seconds for the whole browser test (it bounds itself too)
EXIT_WITHIN = 10.0  # seconds from SIGINT to accurate's exit
EXIT_CODE_ON_ERROR = 7  # distinctive exit code for "requests failed" (the /status/500 task always fails)

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()
for needed, why in ((NODE, "node"), (CHROMIUM, "Chromium (apt install chromium)"),
                    (NODE_MODULES / "playwright-core", "web/node_modules (run npm ci in web/)"),
                    (NODE_MODULES / "uplot", "web/node_modules (run npm ci in web/)")):
    if not os.path.exists(needed):
        print(f"SKIP: {needed} missing: {why}")
        sys.exit(harness.SKIP)


def artifacts_dir() -> Path:
    if os.environ.get("ACCURATE_ARTIFACTS_DIR"):
        path = Path(os.environ["ACCURATE_ARTIFACTS_DIR"]) / "web_ui"
    elif (Path(ACCURATE).resolve().parent / "CMakeCache.txt").exists():
        path = Path(ACCURATE).resolve().parent / "test-artifacts" / "web_ui"
    else:
        path = Path(tempfile.mkdtemp(prefix="accurate-web-ui-artifacts."))
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):
        old.unlink()
    return path


def config_for(host: str) -> dict:
    """Like examples/http-demo.jsonc, plus one task that fails (nginx's 500) so the report has failures."""
    return {
        "host": host,
        "users": 5,
        "spawn_rate": 5,
        "http": {
            "user_classes": [
                {"name": "reader", "weight": 3, "wait": {"between": ["5ms", "20ms"]}, "tasks": [
                    {"name": "index", "weight": 5, "method": "GET", "path": "/"},
                    {"name": "missing item", "weight": 1, "method": "GET", "path": "/status/404",
                     "expect_status": [404], "stats_name": "/status/404 (expected)"},
                    {"name": "broken", "weight": 1, "method": "GET", "path": "/status/500"},
                ]},
                {"name": "writer", "weight": 1, "wait": {"constant": "20ms"}, "tasks": [
                    {"name": "post", "weight": 1, "method": "POST", "path": "/?id={uuid}", "stats_name": "/?id=ID",
                     "headers": {"Content-Type": "application/json"}, "body": "{\"n\": {random_int:1:1000}}"},
                ]},
            ],
        },
    }


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class WebUi(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-integ.")
        self.dir = Path(self.tmp.name)
        self.reports = self.dir / "reports"
        self.users_file = self.dir / "users"
        self.nginx = harness.Nginx().start()
        self.proc = None
        self.log = None

    def tearDown(self):
        if self.proc is not None:
            harness.stop_process(self.proc, signal.SIGKILL)
        if self.log is not None:
            self.log.close()
        self.nginx.cleanup()
        self.tmp.cleanup()

    def add_user(self) -> None:
        cmd = [ACCURATE, "auth", "add-user", USER, "--auth-users-file", str(self.users_file)]
        done = subprocess.run(cmd, input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
                              preexec_fn=harness.die_with_parent)
        self.assertEqual(done.returncode, 0, f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
        self.assertTrue(self.users_file.is_file(), f"{self.users_file} was not written")
        self.assertNotIn(PASSWORD, self.users_file.read_text(), "the users file holds the plain password")

    def start_accurate(self) -> tuple[int, Path]:
        config = self.dir / "config.json"
        config.write_text(json.dumps(config_for(self.nginx.url), indent=2))
        log_path = self.dir / "accurate.log"
        self.log = open(log_path, "w")
        for _ in range(3):  # a free port may be taken between free_port() and the bind
            port = harness.free_port()
            cmd = [ACCURATE, "--plugins", "http,auth", "-f", str(config), "--web-port", str(port),
                   "--auth-users-file", str(self.users_file), "--reports-dir", str(self.reports), "--threads", "1",
                   "--exit-code-on-error", str(EXIT_CODE_ON_ERROR)]
            self.proc = subprocess.Popen(cmd, preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                         stdout=self.log, stderr=subprocess.STDOUT)
            if harness.wait_until(lambda: self.proc.poll() is not None or port_open(port), timeout=15):
                if self.proc.poll() is None:
                    return port, log_path
            harness.stop_process(self.proc, signal.SIGKILL)
            if "cannot listen" not in log_path.read_text(errors="replace"):
                break
        self.fail(f"accurate did not serve the web UI: {' '.join(cmd)}\n{tail(log_path)}")

    def test_BrowserStartsChangesStopsAndOpensTheNewestReport(self):
        shots = artifacts_dir()
        print(f"screenshots: {shots}", flush=True)
        self.add_user()
        port, log_path = self.start_accurate()

        env = {**os.environ, "ACCURATE_URL": f"http://127.0.0.1:{port}", "ACCURATE_USER": USER,
               "ACCURATE_PASSWORD": PASSWORD, "SCREENSHOT_DIR": str(shots), "CHROMIUM": CHROMIUM,
               "NODE_PATH": str(NODE_MODULES), "E2E_TIMEOUT_S": str(E2E_TIMEOUT - 10)}
        try:
            e2e = subprocess.run([NODE, str(E2E_SCRIPT)], env=env, capture_output=True, text=True,
                                 timeout=E2E_TIMEOUT, preexec_fn=harness.die_with_parent)
        except subprocess.TimeoutExpired:
            self.fail(f"web_ui.mjs still running after {E2E_TIMEOUT} s\naccurate log:\n{tail(log_path)}")
        print(e2e.stdout, end="", flush=True)
        self.assertEqual(e2e.returncode, 0,
                         f"{e2e.stderr.strip()}\nscreenshots: {shots}\naccurate log:\n{tail(log_path)}")
        self.assertTrue((shots / "08-report.png").is_file(), "no screenshot of the report page")

        sent = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=EXIT_WITHIN + 10)
        except subprocess.TimeoutExpired:
            self.fail(f"accurate still running {EXIT_WITHIN + 10} s after SIGINT\n{tail(log_path)}")
        took = time.monotonic() - sent
        self.log.close()
        self.log = None
        log_text = log_path.read_text(errors="replace")

        found = harness.Findings()
        found.check(took < EXIT_WITHIN, f"took {took:.1f} s to exit after SIGINT")
        found.equal(self.proc.returncode, EXIT_CODE_ON_ERROR, "exit code after SIGINT (the test had failed requests)")
        found.check(PASSWORD not in log_text, "the password appears in accurate's output")
        found.check(not port_open(port), "the web port still accepts connections after exit")
        # The report the browser opened (web_ui.mjs prints "report <id>: ..."), and no other: a SIGINT while
        # stopped has no test to report.
        match = re.search(r"report (\S+): ", e2e.stdout)
        opened = match.group(1) if match else ""
        names = [p.name for p in harness.report_dirs(self.reports)]
        found.equal(names, [opened], "report directories after the browser's one test")
        if opened in names:
            newest = self.reports / opened
            for name in harness.REPORT_FILES:
                found.check((newest / name).is_file(), f"{name} missing in {newest.name}")
            report = harness.load_report(newest)
            found.check(report["total"]["num_requests"] > 0, "the report counts no request")
            found.equal(report["max_users"], 8, "peak users in the report (5, then changed to 8)")
            found.check(any(e["name"] == "/status/500" for e in report["errors"]),
                        f"no failure for /status/500 in the report: {report['errors']}")
        found.equal(harness.leftovers(self.reports), [], "temporary files left behind")
        found.raise_if_any(f"accurate log (last lines):\n{tail(log_path)}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
