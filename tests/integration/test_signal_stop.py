#!/usr/bin/python3
"""SIGINT or SIGTERM in the middle of a long run: accurate stops within a few seconds and still writes a complete
report directory (atomically: no temporary names left), counting what nginx served.

Usage: test_signal_stop.py PATH_TO_ACCURATE [unittest args]
"""

import json
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()

EXIT_WITHIN = 5.0  # seconds from the signal to the process's exit


class SignalStop(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-integ.")
        self.reports = Path(self.tmp.name) / "reports"
        self.nginx = harness.Nginx().start()

    def tearDown(self):
        self.nginx.cleanup()
        self.tmp.cleanup()

    def stop_mid_run(self, sig: signal.Signals) -> None:
        cmd = [ACCURATE] + [str(a) for a in harness.http_args(self.nginx.url, 10, 10, "60s", self.reports)]
        proc = subprocess.Popen(cmd, preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.5)
            if proc.poll() is not None:
                self.fail(f"accurate exited before the signal: {proc.communicate()[1][-2000:]}")
            sent = time.monotonic()
            proc.send_signal(sig)
            try:
                out, err = proc.communicate(timeout=EXIT_WITHIN + 10)
            except subprocess.TimeoutExpired:
                harness.stop_process(proc, signal.SIGKILL)
                self.fail(f"accurate still running {EXIT_WITHIN + 10} s after {sig.name}")
            took = time.monotonic() - sent
        finally:
            harness.stop_process(proc, signal.SIGKILL)
        self.nginx.stop()
        lines = self.nginx.access_log_lines()

        self.assertGreaterEqual(proc.returncode, 0, f"killed by a signal; stderr:\n{err[-2000:]}")
        found = harness.Findings()
        found.check(took < EXIT_WITHIN, f"took {took:.1f} s to exit after {sig.name}")
        found.equal(proc.returncode, 0, f"exit code after {sig.name}")
        report_dir = harness.single_report_dir(self.reports)
        for name in harness.REPORT_FILES:
            found.check((report_dir / name).is_file(), f"{name} missing after {sig.name}")
        found.equal(harness.leftovers(self.reports), [], "temporary files left behind")
        report = json.loads((report_dir / "report.json").read_text())
        found.check(report["total"]["num_requests"] > 0, "no request counted")
        found.equal(report["total"]["num_failures"], 0, "failures against a healthy nginx")
        found.equal([f"{e['occurrences']} × {e['error']}" for e in report["errors"]], [], "errors")
        found.equal(report["total"]["num_requests"], len(lines),
                    f"accurate's total.num_requests vs nginx's access-log lines after {sig.name}")
        found.raise_if_any(f"stderr (last lines):\n{err[-1500:]}")

    def test_SigintStopsPromptlyAndWritesCompleteReport(self):
        self.stop_mid_run(signal.SIGINT)

    def test_SigtermStopsPromptlyAndWritesCompleteReport(self):
        self.stop_mid_run(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main(verbosity=2)
