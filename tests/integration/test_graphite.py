#!/usr/bin/python3
"""The graphite plugin against a real carbon-cache (Debian graphite-carbon) with 1-second retention:

- steady: accurate (http plugin against nginx, --plugins http,graphite) for a few seconds; every point accurate
  wrote to Carbon is stored in the whisper files with the same value, Carbon holds no other metric, and the last
  `total.requests` equals the report's total;
- outage: Carbon is down when accurate starts, comes up, is stopped for ~2 s mid-run and started again; accurate
  keeps running, exits 0, logs the warnings, and every point it wrote (before, during and after the outage) is
  stored with the same value — the lines lost in the dead connection were re-sent after the reconnect.

What was sent comes from --graphite-log-lines (each line appended when first written to Carbon's socket): the
sink's own record, exact, and independent of log levels; a recording proxy could not show the restart to accurate.

Usage: test_graphite.py PATH_TO_ACCURATE [unittest args]
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
import carbon  # noqa: E402
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()
if not carbon.available():
    print("SKIP: carbon-cache or python3-whisper missing (install graphite-carbon)")
    sys.exit(harness.SKIP)

CONFIG = {"http": {"user_classes": [{"name": "WebUser", "weight": 1, "wait": {"constant": "20ms"},
                                     "tasks": [{"method": "GET", "path": "/"}]}]}}
STORE_WITHIN = 10.0  # seconds for Carbon to have written every point once accurate has exited


def sent_points(log: Path) -> dict:
    """{metric: {timestamp: value}} from the lines file; a later line for the same second replaces an earlier one,
    as it does in Carbon."""
    points: dict = {}
    for line in log.read_text().splitlines():
        name, value, ts = line.split(" ")
        points.setdefault(name, {})[int(ts)] = float(value)
    return points


class Graphite(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-graphite.")
        self.dir = Path(self.tmp.name)
        self.config = self.dir / "config.json"
        self.config.write_text(json.dumps(CONFIG))
        self.lines = self.dir / "lines.txt"
        self.nginx = harness.Nginx(access_log=False).start()
        self.carbon = carbon.Carbon()

    def tearDown(self):
        self.carbon.cleanup()
        self.nginx.cleanup()
        self.tmp.cleanup()

    def args(self, prefix: str, *extra) -> list:
        return ["--plugins", "http,graphite", "-f", self.config, "-H", self.nginx.url, "-u", 4, "-r", 20,
                "--headless", "--threads", "1", "--reports-dir", self.dir / "reports",
                "--graphite-port", self.carbon.port, "--graphite-prefix", prefix,
                "--graphite-log-lines", self.lines, *extra]

    def check_stored(self, found: harness.Findings, prefix: str) -> dict:
        sent = sent_points(self.lines)
        found.check(f"{prefix}.total.requests" in sent, f"no {prefix}.total.requests line was sent")
        found.check(f"{prefix}.GET._.p50_ms" in sent, f"no {prefix}.GET._.p50_ms line was sent: {sorted(sent)}")
        wrong = carbon.wait_stored(self.carbon, sent, STORE_WITHIN)
        count = sum(len(p) for p in sent.values())
        found.check(not wrong, f"{sum(len(w) for w in wrong.values())} of {count} points sent are not stored as "
                               f"sent (metric: {{second: stored}}): {dict(list(wrong.items())[:5])}")
        extra = sorted(set(self.carbon.metrics()) - set(sent))
        found.check(not extra, f"Carbon has metrics accurate did not send: {extra}")
        return sent

    def check_total(self, found: harness.Findings, sent: dict, prefix: str) -> None:
        report = harness.load_report(harness.single_report_dir(self.dir / "reports"))
        requests = sent.get(f"{prefix}.total.requests", {})
        if requests:
            last = requests[max(requests)]
            found.equal(last, float(report["total"]["num_requests"]), "last total.requests sent vs report total")
            stored = self.carbon.points(f"{prefix}.total.requests", max(requests), max(requests))
            found.equal(stored.get(max(requests)), float(report["total"]["num_requests"]),
                        "last total.requests stored vs report total")

    def test_EveryPointSentIsStoredAndTheLastTotalEqualsTheReport(self):
        self.carbon.start()
        run = harness.run_accurate(ACCURATE, self.args("it.steady", "-t", "4s"), timeout=40)
        self.assertEqual(run.returncode, 0, run.describe())
        found = harness.Findings()
        sent = self.check_stored(found, "it.steady")
        found.check(len(sent.get("it.steady.total.requests", {})) >= 3,
                    f"expected a point per second, got {sent.get('it.steady.total.requests')}")
        self.check_total(found, sent, "it.steady")
        found.check("graphite: sending metrics to" in run.stderr, "no 'sending metrics' line in the log")
        found.check("warn" not in run.stderr.lower(), f"unexpected warnings:\n{run.stderr[-2000:]}")
        found.raise_if_any(run.describe() + "\n[carbon]\n" + self.carbon.output())

    def test_SurvivesCarbonDownAtStartAndRestartedMidRun(self):
        proc = subprocess.Popen([ACCURATE] + [str(a) for a in self.args("it.outage", "-t", "60s")],
                                preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.5)  # accurate runs while nothing listens
            self.assertIsNone(proc.poll(), "accurate exited while Carbon was down")
            self.carbon.start()
            lines_now = lambda: len(self.lines.read_text().splitlines()) if self.lines.exists() else 0  # noqa: E731
            self.assertTrue(harness.wait_until(lambda: lines_now() > 0, timeout=10), "nothing sent after Carbon came up")
            before_stop = lines_now()
            self.assertTrue(harness.wait_until(lambda: lines_now() > before_stop, timeout=5), "sending stalled")
            self.carbon.stop()
            time.sleep(2.0)
            self.assertIsNone(proc.poll(), "accurate exited while Carbon was restarting")
            self.carbon.start()
            after_restart = lines_now()
            self.assertTrue(harness.wait_until(lambda: lines_now() > after_restart + 20, timeout=10),
                            "nothing new sent after Carbon's restart")
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)  # graceful stop: report written, sink flushed
            out, err = proc.communicate(timeout=20)
        finally:
            harness.stop_process(proc, signal.SIGKILL)
        found = harness.Findings()
        found.equal(proc.returncode, 0, "exit code")
        port = f"127.0.0.1:{self.carbon.port}"
        found.check(f"graphite: cannot reach Carbon at {port}" in err, "no warning while Carbon was down")
        found.check(f"graphite: connection to {port} lost" in err, "no warning when Carbon stopped")
        found.check(f"graphite: connected to {port} after" in err, "no line when the connection came back")
        found.check("lines not sent" not in err, "flush left lines unsent")
        sent = self.check_stored(found, "it.outage")
        self.check_total(found, sent, "it.outage")
        found.raise_if_any(f"stderr:\n{err[-3000:]}\n[carbon]\n{self.carbon.output()}")


if __name__ == "__main__":
    unittest.main()
