#!/usr/bin/python3
"""accurate's master/worker cluster as real processes on 127.0.0.1 against nginx:

- a master and 3 workers: the master's total equals the sum of the workers' own --json totals and nginx's access
  log exactly, and the master's percentiles are those of the workers' merged histograms (within 0.1 %);
- `kill -9` of a worker mid-run: it shows as missing within ~5 s, the run goes on (its users move to the other
  worker with --enable-rebalancing), what it reported stays counted, and a restarted worker rejoins and gets users;
- `kill -9` of the master: workers with --master-timeout 3 stop and exit 1 within 3 + 5 s;
- CURVE (--cluster-key-dir): an authorised worker runs; a worker with another key pair, or without keys, never
  joins and never gets users;
- `--processes 2`: a master and two local workers in one command.

Usage: test_cluster.py PATH_TO_ACCURATE [unittest args]
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
import cluster  # noqa: E402
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()

CONFIG = {"http": {"user_classes": [{"name": "WebUser", "weight": 1, "wait": {"constant": "20ms"},
                                     "tasks": [{"method": "GET", "path": "/"}]}]}}
MISSING_WITHIN = 7.0  # seconds from kill -9 to "missing" (Locust: ~4.3 s; 3 heartbeat credits + the 1 s check)


class Cluster(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-cluster.")
        self.dir = Path(self.tmp.name)
        self.config = self.dir / "cluster.json"
        self.config.write_text(json.dumps(CONFIG))
        self.procs = cluster.Processes()
        self.web: harness.AccurateWeb | None = None
        self.nginx = harness.Nginx().start()
        self.port = harness.free_port()

    def tearDown(self):
        if self.web is not None:
            self.web.proc and self.web.proc.poll() is None and self.web.proc.send_signal(signal.SIGKILL)
            self.web.cleanup()
        self.procs.cleanup()
        self.nginx.cleanup()
        self.tmp.cleanup()

    # --- helpers ------------------------------------------------------------------------------------------------

    def master_args(self, *extra) -> list:
        return ["--master", "--plugins", "http", "-f", self.config, "-H", self.nginx.url,
                "--master-bind-host", "127.0.0.1", "--master-bind-port", self.port,
                "--reports-dir", self.dir / "reports", *extra]

    def start_worker(self, name: str, *extra, port: int | None = None) -> cluster.Proc:
        return self.procs.start([
            ACCURATE, "--worker", "--master-host", "127.0.0.1", "--master-port", port or self.port,
            "--plugins", "http", "-f", self.config, "--threads", "1", "--json",
            "--reports-dir", self.dir / f"reports-{name}", *extra], name)

    def start_web_master(self, *extra) -> harness.AccurateWeb:
        self.web = harness.AccurateWeb(ACCURATE, self.master_args("--print-stats=false", *extra)).start()
        return self.web

    def workers_now(self) -> list:
        return cluster.status(self.web.url).get("workers", [])

    def context(self) -> str:
        web = f"\n[web master]\n{self.web.output()[-3000:]}" if self.web is not None else ""
        return self.procs.describe() + web

    # --- (a) totals and percentiles -----------------------------------------------------------------------------

    def test_MasterTotalsEqualWorkersAndNginxAndPercentilesMergeExactly(self):
        master = self.procs.start([ACCURATE, *self.master_args(
            "--headless", "-u", 30, "-r", 30, "-t", "8s", "--expect-workers", 3, "--expect-workers-max-wait", 30,
            "--json")], "master")
        # The workers get no -H: the target comes from the master's spawn message.
        workers = [self.start_worker(f"worker{i}") for i in range(3)]
        master_code = master.wait(timeout=60)
        worker_codes = [w.wait(timeout=15) for w in workers]
        self.assertIsNotNone(master_code, f"the master did not finish within 60 s\n{self.context()}")
        self.assertNotIn(None, worker_codes, f"a worker did not exit after the master's quit\n{self.context()}")
        self.nginx.stop()
        logged = len(self.nginx.access_log_lines())

        found = harness.Findings()
        found.equal(master_code, 0, "master exit code")
        found.equal(worker_codes, [0, 0, 0], "worker exit codes after the master's quit")
        docs = cluster.json_documents(master.stdout())
        self.assertEqual(len(docs), 1, f"JSON documents on the master's stdout\n{self.context()}")
        summary = docs[0]
        worker_docs = []
        for w in workers:
            total, docs_w = cluster.worker_total(w)
            found.check(total > 0, f"{w.name} ran no request")
            worker_docs += docs_w
        worker_sum = sum(d["total"]["num_requests"] for d in worker_docs)
        found.check(logged > 1000, f"nginx logged only {logged} requests")
        found.equal(summary["total"]["num_requests"], logged, "master total vs nginx's access log")
        found.equal(worker_sum, logged, "sum of the workers' own totals vs nginx's access log")
        found.equal(summary["total"]["num_failures"], 0, "master failures")
        found.equal(summary.get("max_users"), 30, "master max_users")
        listed = summary.get("workers", [])
        found.equal(len(listed), 3, f"workers listed in the master's summary: {listed}")
        for item in listed:
            found.check(str(item.get("kind", "")).startswith("accurate"), f"worker kind {item.get('kind')!r}")
            for key in ("id", "state", "users", "cpu_percent", "memory_bytes", "last_heartbeat"):
                found.check(key in item, f"worker item lacks {key}: {item}")
        report = harness.load_report(harness.single_report_dir(self.dir / "reports"))
        found.equal(report["total"]["num_requests"], summary["total"]["num_requests"], "report.json vs --json")
        found.equal(len(report.get("workers", [])), 3, "workers in report.json")

        # Percentiles: the master's must be the quantiles of the workers' merged histograms.
        entries = {(e["method"], e["name"]): e for e in summary["entries"]}
        entries[("", "Aggregated")] = summary["total"]
        exact, compared = 0, 0
        for key, entry in entries.items():
            parts = [e for d in worker_docs for e in ([d["total"]] if key == ("", "Aggregated") else d["entries"])
                     if (e["method"], e["name"]) == key]
            if not found.check(parts, f"{key}: no worker has this entry"):
                continue
            found.equal(entry["num_requests"], sum(p["num_requests"] for p in parts), f"{key}: requests")
            merged = cluster.merge_histograms([p["histogram"] for p in parts])
            found.equal(merged, cluster.merge_histograms([entry["histogram"]]),
                        f"{key}: master histogram vs the workers' merged histograms")
            lo = min(cluster.ms_to_us(p["min_response_time"]) for p in parts)
            hi = max(cluster.ms_to_us(p["max_response_time"]) for p in parts)
            found.equal(cluster.ms_to_us(entry["min_response_time"]), lo, f"{key}: min")
            found.equal(cluster.ms_to_us(entry["max_response_time"]), hi, f"{key}: max")
            for q in cluster.REPORT_QUANTILES:
                want = cluster.value_at_quantile(merged, float(q), lo, hi) / 1000.0
                got = entry["percentiles"][q]
                compared += 1
                exact += got == want
                found.check(abs(got - want) <= 1e-3 * want + 1e-9,
                            f"{key} p{q}: master {got} ms, merged workers' histograms {want} ms")
                # A quantile of the union lies between the parts' quantiles (each within the histogram error).
                values = [p["percentiles"][q] for p in parts]
                found.check(min(values) * (1 - 1e-3) - 1e-9 <= got <= max(values) * (1 + 1e-3) + 1e-9,
                            f"{key} p{q}: master {got} ms outside the workers' range {values}")
        print(f"percentiles: {exact}/{compared} equal to the merged histograms' exactly", file=sys.stderr)
        found.raise_if_any(self.context())

    # --- (b) a worker killed mid-run ----------------------------------------------------------------------------

    def test_KilledWorkerShowsMissingKeepsItsCountsAndRestartedWorkerRejoins(self):
        self.start_web_master("--enable-rebalancing")
        first = self.start_worker("first")
        second = self.start_worker("second")
        ready = cluster.wait_for(lambda: len(self.workers_now()) == 2, 20)
        self.assertTrue(ready, f"the master does not list 2 workers\n{self.context()}")
        code, _, body = harness.http_get(f"{self.web.url}/swarm", method="POST",
                                         data=b"user_count=10&spawn_rate=10", headers={
                                             "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(code, 200, f"/swarm: {body!r}\n{self.context()}")
        both_run = cluster.wait_for(lambda: [cluster.worker_users(w) for w in self.workers_now()] == [5, 5], 15)
        self.assertTrue(both_run, f"users not split 5/5: {self.workers_now()}\n{self.context()}")
        ids_before = {w["id"] for w in self.workers_now()}
        time.sleep(4)  # at least one stats report from each worker (every 3 s)

        first.kill9()
        killed_at = time.monotonic()
        found = harness.Findings()

        def one_missing():
            states = [w["state"] for w in self.workers_now()]
            return states.count("missing") == 1 and states

        states = cluster.wait_for(one_missing, MISSING_WITHIN + 5, 0.1)
        missing_after = time.monotonic() - killed_at
        self.assertTrue(states, f"no worker became missing: {self.workers_now()}\n{self.context()}")
        found.check(missing_after <= MISSING_WITHIN,
                    f"the killed worker became missing after {missing_after:.1f} s (at most {MISSING_WITHIN} s)")
        print(f"killed worker missing after {missing_after:.1f} s", file=sys.stderr)
        found.equal(cluster.status(self.web.url)["state"], "running", "master state after losing a worker")

        # Rebalancing: the surviving worker takes the lost worker's users.
        def survivor_has_all():
            alive = [w for w in self.workers_now() if w["state"] != "missing"]
            return len(alive) == 1 and cluster.worker_users(alive[0]) == 10

        found.check(cluster.wait_for(survivor_has_all, 10), f"the survivor did not get all 10 users: "
                    f"{self.workers_now()}")
        requests_then = self.total_requests()
        time.sleep(1.5)
        found.check(self.total_requests() > requests_then, "the run stopped making progress after the kill")

        third = self.start_worker("third")

        def third_joined():
            new = [w for w in self.workers_now() if w["id"] not in ids_before]
            return len(new) == 1 and cluster.worker_users(new[0]) > 0 and new

        joined = cluster.wait_for(third_joined, 20)
        found.check(joined, f"the restarted worker did not rejoin with users: {self.workers_now()}")
        time.sleep(3.5)  # one report of the new worker

        code, _, body = harness.http_get(f"{self.web.url}/stop")
        found.equal(code, 200, f"/stop answered {body[:200]!r}")
        stopped = cluster.wait_for(lambda: cluster.status(self.web.url)["state"] == "stopped", 30)
        self.assertTrue(stopped, f"the test did not stop\n{self.context()}")
        report_dir = cluster.wait_for(lambda: harness.report_dirs(self.dir / "reports"), 10)
        self.assertTrue(report_dir, f"no report persisted\n{self.context()}")
        report = harness.load_report(report_dir[0])
        exit_code = self.web.stop(timeout=20)
        codes = [second.wait(15), third.wait(15)]
        self.nginx.stop()
        logged = len(self.nginx.access_log_lines())

        found.equal(exit_code, 0, "master exit code")
        found.equal(codes, [0, 0], "exit codes of the surviving and the restarted worker after the master quit")
        alive_sum = cluster.worker_total(second)[0] + cluster.worker_total(third)[0]
        total = report["total"]["num_requests"]
        # The killed worker's reported requests stay counted: the master has more than the live workers ran,
        # and never more than nginx served (the killed worker's last unreported requests are lost).
        found.check(total > alive_sum, f"master total {total} does not include the killed worker's requests "
                    f"(the live workers ran {alive_sum})")
        found.check(total <= logged, f"master total {total} exceeds nginx's {logged}")
        print(f"killed worker: {total - alive_sum} requests kept, at most {logged - total} lost unreported",
              file=sys.stderr)
        states = sorted(w["state"] for w in report.get("workers", []))
        found.check("missing" in states, f"report.json workers do not show the killed one as missing: {states}")
        found.raise_if_any(self.context())

    def total_requests(self) -> int:
        code, _, body = harness.http_get(f"{self.web.url}/stats/requests")
        rows = json.loads(body)["stats"]
        return next(r["num_requests"] for r in rows if r["name"] == "Aggregated")

    # --- (c) the master killed ----------------------------------------------------------------------------------

    def test_WorkersExitWithCode1WhenTheMasterIsGoneForMasterTimeout(self):
        master = self.procs.start([ACCURATE, *self.master_args(
            "--headless", "-u", 4, "-r", 4, "-t", "60s", "--expect-workers", 2, "--expect-workers-max-wait", 30)],
            "master")
        workers = [self.start_worker(f"worker{i}", "--master-timeout", 3) for i in range(2)]
        # Running: nginx sees requests.
        started = cluster.wait_for(lambda: self.nginx.stub_requests() > 50, 30)
        self.assertTrue(started, f"no load reached nginx\n{self.context()}")
        time.sleep(1)
        master.kill9()
        killed_at = time.monotonic()
        codes = [w.wait(timeout=15) for w in workers]
        elapsed = time.monotonic() - killed_at
        print(f"workers exited {elapsed:.1f} s after the master was killed", file=sys.stderr)
        found = harness.Findings()
        found.equal(codes, [1, 1], "worker exit codes after losing the master")
        found.check(elapsed <= 3 + 5, f"the workers took {elapsed:.1f} s to exit (at most 3 + 5 s)")
        after = self.nginx.stub_requests()
        time.sleep(1)
        found.equal(self.nginx.stub_requests() - after, 1, "requests reaching nginx after the workers exited "
                    "(only the stub_status probe itself)")
        found.raise_if_any(self.context())

    # --- (d) CURVE ---------------------------------------------------------------------------------------------

    def test_CurveAdmitsAuthorisedWorkerOnlyAndRefusesOtherKeys(self):
        keys, other = self.dir / "keys", self.dir / "other-keys"
        for directory in (keys, other):
            made = subprocess.run([ACCURATE, "cluster", "keygen", "--cluster-key-dir", directory],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
            self.assertEqual(made.returncode, 0, f"keygen: {made.stderr}")
        found = harness.Findings()
        found.equal(cluster.key_files(keys), ["authorized_workers/worker.key", "master.key", "master.key_secret",
                                              "worker.key", "worker.key_secret"], "keygen layout")
        for secret in ("master.key_secret", "worker.key_secret"):
            found.equal(oct(cluster.mode_of(keys / secret)), oct(0o600), f"mode of {secret}")
        found.check((keys / "master.key").read_text() != (other / "master.key").read_text(),
                    "two keygen runs made the same master key")
        master_key = (keys / "master.key").read_text()
        named = subprocess.run([ACCURATE, "cluster", "keygen", "--cluster-key-dir", keys, "--name", "rack2"],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        found.equal(named.returncode, 0, f"keygen --name: {named.stderr.strip()}")
        for name in ("rack2.key", "rack2.key_secret", "authorized_workers/rack2.key"):
            found.check((keys / name).is_file(), f"keygen --name rack2 did not write {name}")
        found.equal((keys / "master.key").read_text(), master_key, "master key after a second keygen (kept)")

        self.start_web_master("--cluster-key-dir", keys)
        good = self.start_worker("good", "--cluster-key-dir", keys)
        wrong = self.start_worker("wrong-key", "--cluster-key-dir", other, "--master-timeout", 60)
        plain = self.start_worker("no-key", "--master-timeout", 60)
        joined = cluster.wait_for(lambda: len(self.workers_now()) >= 1, 20)
        self.assertTrue(joined, f"the authorised worker did not join\n{self.context()}")
        code, _, body = harness.http_get(f"{self.web.url}/swarm", method="POST", data=b"user_count=4&spawn_rate=4",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        found.equal(code, 200, f"/swarm: {body[:200]!r}")
        cluster.wait_for(lambda: sum(cluster.worker_users(w) for w in self.workers_now()) == 4, 15)
        time.sleep(4)  # time enough for the refused ones to have joined had they been admitted
        listed = self.workers_now()
        found.equal(len(listed), 1, f"workers listed with CURVE on (only the authorised one): {listed}")
        found.equal([cluster.worker_users(w) for w in listed], [4], "users of the listed workers")
        harness.http_get(f"{self.web.url}/stop")
        cluster.wait_for(lambda: cluster.status(self.web.url)["state"] == "stopped", 30)
        self.web.stop(timeout=20)
        found.equal(good.wait(15), 0, "authorised worker exit code after the master quit")
        for refused in (wrong, plain):
            refused.stop(signal.SIGTERM)
            total = sum(d["total"]["num_requests"] for d in cluster.json_documents(refused.stdout()))
            found.equal(total, 0, f"requests run by {refused.name}")
        self.nginx.stop()
        good_total = cluster.worker_total(good)[0]
        found.check(good_total > 0, "the authorised worker ran no request")
        found.equal(len(self.nginx.access_log_lines()), good_total, "nginx's log vs the authorised worker's total")
        found.raise_if_any(self.context())

    # --- (e) --processes ---------------------------------------------------------------------------------------

    def test_ProcessesRunsAMasterAndLocalWorkers(self):
        run = harness.run_accurate(ACCURATE, [
            "--processes", 2, "--headless", "--plugins", "http", "-f", self.config, "-H", self.nginx.url,
            "-u", 4, "-r", 4, "-t", "4s", "--master-bind-host", "127.0.0.1", "--master-bind-port", self.port,
            "--json", "--reports-dir", self.dir / "reports"], timeout=60)
        self.nginx.stop()
        logged = len(self.nginx.access_log_lines())
        found = harness.Findings()
        found.equal(run.returncode, 0, "exit code")
        docs = cluster.json_documents(run.stdout) if run.stdout.strip() else []
        if found.equal(len(docs), 1, "JSON documents on stdout"):
            summary = docs[0]
            found.check(logged > 100, f"nginx logged only {logged} requests")
            found.equal(summary["total"]["num_requests"], logged, "total vs nginx's access log")
            workers = summary.get("workers", [])
            found.equal(len(workers), 2, f"workers in the summary: {workers}")
            found.equal(len({w.get("id") for w in workers}), 2, "distinct worker ids")
            found.equal(summary.get("max_users"), 4, "max_users")
        found.raise_if_any(run.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
