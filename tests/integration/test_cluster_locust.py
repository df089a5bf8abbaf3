#!/usr/bin/python3
"""Cluster compatibility with the real Python Locust (Debian's python3-locust 2.12.1), both directions, against
nginx:

1. an accurate worker joins a Python Locust master (headless, --expect-workers 1) whose locustfile declares
   `WebUser` with the weight of accurate's `http.WebUser`; the master's stats CSV counts exactly the requests
   nginx logged (and the worker's own --json summary agrees);
2. a Python Locust worker joins an accurate master (headless, --expect-workers 1); accurate's --json summary and
   report.json count exactly the requests nginx logged, list the worker as a Locust worker, and the Python worker
   logs no unknown message (accurate sends a 2.12.1 worker neither `heartbeat` nor `spawning_complete`).

Exit code 77 (skipped) when nginx is missing or /usr/bin/python3 cannot import locust.
Usage: test_cluster_locust.py PATH_TO_ACCURATE [unittest args]
"""

import csv
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import cluster  # noqa: E402
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()
if subprocess.run([harness.PYTHON, "-c", "import locust"], capture_output=True, timeout=60).returncode != 0:
    print(f"SKIP: {harness.PYTHON} cannot import locust (install python3-locust)")
    sys.exit(harness.SKIP)

LOCUSTFILE = Path(__file__).resolve().parent / "fixtures" / "locust_webuser.py"
# The same class name and weight as the locustfile's WebUser; registers as http.WebUser.
CONFIG = {"http": {"user_classes": [{"name": "WebUser", "weight": 3, "wait": {"constant": "20ms"},
                                     "tasks": [{"method": "GET", "path": "/"}]}]}}
USERS = 4
RUN_TIME = "8s"


def locust_cmd(*args) -> list:
    return [harness.PYTHON, "-m", "locust", "-f", LOCUSTFILE, *args]


def csv_rows(path: Path) -> dict:
    with open(path, newline="") as f:
        return {(row["Type"], row["Name"]): row for row in csv.DictReader(f)}


class ClusterLocust(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-cluster-locust.")
        self.dir = Path(self.tmp.name)
        self.config = self.dir / "cluster.json"
        self.config.write_text(json.dumps(CONFIG))
        self.procs = cluster.Processes()
        self.nginx = harness.Nginx().start()
        self.port = harness.free_port()

    def tearDown(self):
        self.procs.cleanup()
        self.nginx.cleanup()
        self.tmp.cleanup()

    def test_AccurateWorkerRequestsAppearInLocustMasterStats(self):
        master = self.procs.start(locust_cmd(
            "--master", "--headless", "--expect-workers", 1, "-u", USERS, "-r", USERS, "-t", RUN_TIME,
            "--master-bind-host", "127.0.0.1", "--master-bind-port", self.port, "-H", self.nginx.url,
            "--csv", self.dir / "locust", "--loglevel", "INFO"), "locust-master", cwd=self.tmp.name)
        worker = self.procs.start([
            ACCURATE, "--worker", "--master-host", "127.0.0.1", "--master-port", self.port, "--plugins", "http",
            "-f", self.config, "--threads", "1", "--json", "--reports-dir", self.dir / "reports-worker"],
            "accurate-worker")
        master_code = master.wait(timeout=45)
        worker_code = worker.wait(timeout=15)
        context = self.procs.describe()
        self.assertIsNotNone(master_code, f"the Locust master did not finish within 45 s\n{context}")
        self.assertIsNotNone(worker_code, f"the accurate worker did not exit after the master's quit\n{context}")
        self.nginx.stop()
        logged = len(self.nginx.access_log_lines())

        found = harness.Findings()
        found.equal(master_code, 0, "Locust master exit code")
        found.equal(worker_code, 0, "accurate worker exit code after the master's quit")
        master_log = master.stderr() + master.stdout()
        for bad in ("old (pre 2.0) worker", "Traceback", "Unhandled exception", "Unknown message type",
                    "Discarded report"):
            found.check(bad not in master_log, f"the Locust master logged {bad!r}")
        found.check(logged > 100, f"nginx logged only {logged} requests")
        rows = csv_rows(self.dir / "locust_stats.csv")
        print(f"nginx {logged}, Locust master's CSV {rows.get(('', 'Aggregated'), {}).get('Request Count')}",
              file=sys.stderr)
        if found.check(("GET", "/") in rows, f"no GET / row in the master's stats CSV: {sorted(rows)}"):
            found.equal(int(rows[("GET", "/")]["Request Count"]), logged,
                        "Locust master's GET / Request Count vs nginx's access log")
            found.equal(int(rows[("GET", "/")]["Failure Count"]), 0, "Locust master's GET / Failure Count")
        if found.check(("", "Aggregated") in rows, "no Aggregated row in the master's stats CSV"):
            found.equal(int(rows[("", "Aggregated")]["Request Count"]), logged,
                        "Locust master's Aggregated Request Count vs nginx's access log")
        try:
            total, docs = cluster.worker_total(worker)
            found.equal(total, logged, "the accurate worker's own --json total vs nginx's access log")
            found.check(any(d.get("max_users") == USERS for d in docs),
                        f"the worker never ran the {USERS} users the master assigned "
                        f"(max_users {[d.get('max_users') for d in docs]})")
        except ValueError as e:
            found.check(False, f"the worker's stdout is not JSON documents: {e}: {worker.stdout()[:300]!r}")
        found.raise_if_any(context)

    def test_LocustWorkerRequestsAppearInAccurateReport(self):
        reports = self.dir / "reports"
        master = self.procs.start([
            ACCURATE, "--master", "--headless", "--plugins", "http", "-f", self.config, "-H", self.nginx.url,
            "-u", USERS, "-r", USERS, "-t", RUN_TIME, "--master-bind-host", "127.0.0.1",
            "--master-bind-port", self.port, "--expect-workers", 1, "--expect-workers-max-wait", 30,
            # Locust kills users mid-request on stop unless stop_timeout is set; with it, they finish the
            # request in flight, so nginx's log and the stats can agree exactly.
            "--stop-timeout", "2s", "--json", "--reports-dir", reports], "accurate-master")
        worker = self.procs.start(locust_cmd(
            "--worker", "--master-host", "127.0.0.1", "--master-port", self.port, "--loglevel", "INFO"),
            "locust-worker", cwd=self.tmp.name)
        master_code = master.wait(timeout=60)
        worker_code = worker.wait(timeout=20)
        context = self.procs.describe()
        self.assertIsNotNone(master_code, f"the accurate master did not finish within 60 s\n{context}")
        self.assertIsNotNone(worker_code, f"the Locust worker did not exit after the master's quit\n{context}")
        self.nginx.stop()
        logged = len(self.nginx.access_log_lines())

        found = harness.Findings()
        found.equal(master_code, 0, "accurate master exit code")
        found.equal(worker_code, 0, "Locust worker exit code after the master's quit")
        worker_log = worker.stderr() + worker.stdout()
        for bad in ("Unknown message type", "Traceback", "KeyError", "Unhandled exception"):
            found.check(bad not in worker_log, f"the Locust worker logged {bad!r}")
        found.check(logged > 50, f"nginx logged only {logged} requests")
        try:
            docs = cluster.json_documents(master.stdout())
        except ValueError as e:
            docs = []
            found.check(False, f"the master's stdout is not JSON: {e}: {master.stdout()[:300]!r}")
        if found.equal(len(docs), 1, "JSON documents on the master's stdout"):
            summary = docs[0]
            print(f"nginx {logged}, accurate master {summary['total']['num_requests']}, workers "
                  f"{summary.get('workers')}", file=sys.stderr)
            found.equal(summary["total"]["num_requests"], logged, "accurate master's total vs nginx's access log")
            found.equal(summary["total"]["num_failures"], 0, "accurate master's failures")
            entries = {(e["method"], e["name"]): e for e in summary["entries"]}
            if found.check(("GET", "/") in entries, f"no GET / entry in {sorted(entries)}"):
                found.equal(entries[("GET", "/")]["num_requests"], logged, "GET / requests vs nginx's access log")
            workers = summary.get("workers", [])
            if found.equal(len(workers), 1, f"workers in the summary: {workers}"):
                found.check(str(workers[0].get("kind", "")).startswith("locust"),
                            f"the Python worker's kind is {workers[0].get('kind')!r}, expected 'locust ...'")
            found.equal(summary.get("max_users"), USERS, "max_users")
            report = harness.load_report(harness.single_report_dir(reports))
            found.equal(report["total"]["num_requests"], summary["total"]["num_requests"],
                        "report.json total vs the --json summary")
        found.raise_if_any(context)


if __name__ == "__main__":
    unittest.main(verbosity=2)
