#!/usr/bin/python3
"""accurate against a real nginx: every request accurate reports is one line in nginx's access log, no more, no
less; the report directory holds all six files with the documented fields.

Usage: test_access_log_count.py PATH_TO_ACCURATE [unittest args]
"""

import csv
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()

ROUTES_CONFIG = """// Three user classes' worth of routes on one class; comments are allowed (JSONC).
{
  "http": {
    "user_classes": [
      {
        "name": "api",
        "wait": "none",
        "tasks": [
          {"name": "x", "method": "GET", "path": "/x", "stats_name": "/x"},
          {"name": "y", "method": "GET", "path": "/y", "stats_name": "/y"},
          {"name": "missing", "method": "GET", "path": "/status/404", "stats_name": "/status/404"}
        ]
      }
    ]
  }
}
"""


class AccessLogCount(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-integ.")
        self.reports = Path(self.tmp.name) / "reports"
        self.nginx = harness.Nginx().start()

    def tearDown(self):
        self.nginx.cleanup()
        self.tmp.cleanup()

    def test_TotalRequestsEqualNginxAccessLogLines(self):
        run = harness.run_accurate(
            ACCURATE, harness.http_args(self.nginx.url, 10, 10, "3s", self.reports), timeout=60)
        self.nginx.stop()  # graceful: nginx finishes and logs whatever was in progress
        lines = self.nginx.access_log_lines()
        self.assertGreaterEqual(run.returncode, 0, run.describe())  # not killed by a signal (crash)
        report_dir = harness.single_report_dir(self.reports)
        report = harness.load_report(report_dir)
        for key in ("entries", "total", "errors"):
            self.assertIn(key, report)

        found = harness.Findings()
        found.equal(run.returncode, 0, "exit code")
        for name in harness.REPORT_FILES:
            path = report_dir / name
            if found.check(path.is_file(), f"{name} missing"):
                found.check(path.stat().st_size > 0, f"{name} is empty")
        found.equal(harness.leftovers(self.reports), [], "temporary files left")
        found.check(isinstance(report["entries"], list) and len(report["entries"]) > 0, "entries empty")
        found.check(isinstance(report["errors"], list), "errors is not a list")
        for entry in report["entries"]:
            for key in ("method", "name", "num_requests", "num_failures"):
                found.check(key in entry, f"entry {entry.get('name')} lacks {key}")
        found.check(("GET", "/") in [(e.get("method"), e.get("name")) for e in report["entries"]],
                    "no entry GET /")
        total = report["total"]
        found.equal(total["num_requests"], sum(e["num_requests"] for e in report["entries"]),
                    "total.num_requests vs sum of entries")
        found.equal(total["num_failures"], 0, "total.num_failures against a healthy nginx")
        found.equal([f"{e['occurrences']} × {e['error']}" for e in report["errors"]], [], "errors")

        statuses = {line.split()[1] for line in lines}
        found.equal(statuses, {"200"}, "statuses nginx logged")
        # 10 users for about 3 s against a local nginx: far more than a handful of requests.
        found.check(len(lines) > 100, f"only {len(lines)} requests logged by nginx")
        found.equal(total["num_requests"], len(lines),
                    f"accurate's total.num_requests vs nginx's access-log lines (difference "
                    f"{len(lines) - total['num_requests']:+d}: positive = served by nginx but not counted, e.g. in "
                    f"flight at stop; negative = counted but never served)")

        # stats.csv's Aggregated row agrees with report.json.
        with open(report_dir / "stats.csv", newline="") as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
        if found.check("Aggregated" in rows, "stats.csv has no Aggregated row"):
            found.equal(int(rows["Aggregated"]["Request Count"]), total["num_requests"],
                        "stats.csv Aggregated Request Count vs report.json")
        found.raise_if_any(run.describe())

    def test_PerRouteCountsMatchAccessLogWithConfigClasses(self):
        config = Path(self.tmp.name) / "routes.jsonc"
        config.write_text(ROUTES_CONFIG)
        run = harness.run_accurate(
            ACCURATE, harness.http_args(self.nginx.url, 4, 4, "2s", self.reports, "-f", config), timeout=60)
        self.nginx.stop()
        by_path = harness.access_log_by_path(self.nginx.access_log_lines())
        self.assertGreaterEqual(run.returncode, 0, run.describe())
        report = harness.load_report(harness.single_report_dir(self.reports))
        entries = {(e["method"], e["name"]): e for e in report["entries"]}
        self.assertEqual(set(entries), {("GET", "/x"), ("GET", "/y"), ("GET", "/status/404")})
        found = harness.Findings()
        # /status/404 answers 404: failures, so exit code 1.
        found.equal(run.returncode, 1, "exit code")
        for path, status in (("/x", 200), ("/y", 200), ("/status/404", 404)):
            logged = by_path.get((status, "GET", path), 0)
            found.check(logged > 0, f"nginx logged no {path}")
            found.equal(entries[("GET", path)]["num_requests"], logged, f"requests to {path} vs nginx's log")
        found.equal(entries[("GET", "/x")]["num_failures"], 0, "failures of /x (always 200)")
        found.equal(entries[("GET", "/y")]["num_failures"], 0, "failures of /y (always 200)")
        missing = entries[("GET", "/status/404")]
        found.equal(missing["num_failures"], missing["num_requests"], "failures of /status/404 (always 404)")
        found.equal(report["total"]["num_failures"], missing["num_failures"], "total failures")
        errors = [e for e in report["errors"] if e["name"] == "/status/404"]
        if found.equal(len(errors), 1, f"error kinds for /status/404 in {report['errors']}"):
            found.check("404" in errors[0]["error"], f"error text {errors[0]['error']!r} does not say 404")
            found.equal(errors[0]["occurrences"], missing["num_failures"], "occurrences of the 404 error")
        found.raise_if_any(run.describe())

    def test_ExitCodeOnErrorZeroTurnsFailuresIntoSuccess(self):
        config = Path(self.tmp.name) / "routes.jsonc"
        config.write_text(ROUTES_CONFIG)
        run = harness.run_accurate(
            ACCURATE, harness.http_args(self.nginx.url, 2, 2, "1s", self.reports, "-f", config,
                                        "--exit-code-on-error", "0"), timeout=60)
        self.assertEqual(run.returncode, 0, run.describe())
        report = harness.load_report(harness.single_report_dir(self.reports))
        self.assertGreater(report["total"]["num_failures"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
