#!/usr/bin/python3
"""Cluster master CPU benchmark: accurate's master against Locust 2.12.1's Python master, in the same run.

Both masters drive --workers light fake workers (bench/lib/fake_workers.py: one Python process, one DEALER per
worker, heartbeats every 1 s, a Locust-format stats report of --entries entries every 3 s). For each master the
CPU time (utime + stime of /proc/PID/stat, all threads) is measured over a steady --window seconds that starts
--warmup seconds after every worker runs. The master is pinned to CPU --master-cpu and the fakes to --fakes-cpu
(taskset). Repetitions are interleaved (accurate, locust, accurate, ...); the median of each is printed as % of
one core, with the ratio.

Before measuring, each master is validated against the fakes in web mode: the fakes send exactly --validate-reports
non-empty reports each, then /stats/requests must list every worker and show exactly the requests, failures and
per-entry counts the fakes sent (and the mean response time within 0.1 %). A master that fails validation is not
measured (exit code 1).

Usage: cluster_master.py --accurate build/accurate [--workers 50] [--window 30] [--warmup 6] [--reps 3]
                         [--kinds accurate,locust] [--skip-validation] [--json RESULT.json]
Every process started here is stopped by its pid; every wait is bounded; 127.0.0.1 only.
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3"
FAKES = HERE / "fake_workers.py"
CLASS_NAME = "WebUser"
CLK_TCK = os.sysconf("SC_CLK_TCK")

LOCUSTFILE = f"""from locust import User, task, constant


class {CLASS_NAME}(User):
    wait_time = constant(1)

    @task
    def idle(self):
        pass
"""
ACCURATE_CONFIG = {"http": {"user_classes": [
    {"name": CLASS_NAME, "weight": 1, "tasks": [{"method": "GET", "path": "/"}]}]}}


def die_with_parent() -> None:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads), seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, grace: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    for s, wait in ((sig, grace), (signal.SIGKILL, 5)):
        try:
            proc.send_signal(s)
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


class Fakes:
    """fake_workers.py in a subprocess; its JSON-line events collected by a reader thread."""

    def __init__(self, port: int, workers: int, cpu: int | None, extra: list, lifetime: float):
        cmd = [PYTHON, str(FAKES), "--master-port", str(port), "-n", str(workers), "--class-name", CLASS_NAME,
               "--lifetime", str(lifetime), *map(str, extra)]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd
        self.events: list[dict] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr = ""
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        self.err_reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                self.events.append(event)
                self.cond.notify_all()

    def _read_err(self) -> None:
        self.stderr = self.proc.stderr.read()

    def wait_event(self, name: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if e.get("event") == name:
                        return e
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not self.reader.is_alive():
                    return None
                self.cond.wait(min(left, 0.5))

    def finish(self, timeout: float = 20) -> dict | None:
        """Waits for the fakes to exit (SIGTERM after timeout), returns the summary event."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(self.proc)
        self.reader.join(timeout=5)
        self.err_reader.join(timeout=5)
        return self.wait_event("summary", 0)


class Master:
    """One master process (accurate or locust), headless (measurement) or web (validation)."""

    def __init__(self, kind: str, args, tmp: Path, workers: int, headless: bool, run_time: int):
        self.kind = kind
        self.port = free_port()
        self.web_port = free_port()
        self.tmp = tmp
        self.log_path = tmp / f"{kind}-master-{self.port}.log"
        self.out_path = tmp / f"{kind}-master-{self.port}.out"
        common_users = ["-u", str(workers), "-r", str(workers), "-t", f"{run_time}s"]
        if kind == "locust":
            cmd = [PYTHON, "-m", "locust", "-f", str(tmp / "locustfile.py"), "--master",
                   "--master-bind-host", "127.0.0.1", "--master-bind-port", str(self.port)]
            if headless:
                cmd += ["--headless", "--expect-workers", str(workers), *common_users,
                        "--csv", str(tmp / f"locust-{self.port}")]
            else:
                cmd += ["--web-host", "127.0.0.1", "--web-port", str(self.web_port)]
        else:
            cmd = [args.accurate, "--master", "--plugins", "http", "-f", str(tmp / "accurate.json"),
                   "-H", "http://127.0.0.1:9", "--master-bind-host", "127.0.0.1",
                   "--master-bind-port", str(self.port), "--reports-dir", str(tmp / "reports")]
            if headless:
                cmd += ["--headless", "--expect-workers", str(workers), *common_users, "--json"]
            else:
                cmd += ["--web-host", "127.0.0.1", "--web-port", str(self.web_port)]
        if args.master_cpu is not None:
            cmd = ["taskset", "-c", str(args.master_cpu)] + cmd
        self.cmd = cmd
        self.log = open(self.log_path, "w")
        self.out = open(self.out_path, "w")
        self.proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.log, cwd=str(tmp))

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def wait_listening(self, port: int, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            with socket.socket() as s:
                s.settimeout(0.2)
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return True
            time.sleep(0.1)
        return False

    def get(self, path: str, data: bytes | None = None) -> dict:
        req = urllib.request.Request(self.web + path, data=data, method="POST" if data else "GET")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def close(self, sig=signal.SIGTERM) -> int | None:
        stop(self.proc, sig)
        self.log.close()
        self.out.close()
        return self.proc.returncode

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])


def validate(kind: str, args, tmp: Path) -> list[str]:
    """Web-mode master + fakes sending exactly --validate-reports reports each; returns the problems found."""
    problems: list[str] = []
    n = args.workers
    master = Master(kind, args, tmp, n, headless=False, run_time=0)
    fakes = None
    try:
        if not master.wait_listening(master.web_port):
            return [f"{kind} master web UI did not come up: {master.tail()}"]
        fakes = Fakes(master.port, n, args.fakes_cpu,
                      ["--max-reports", args.validate_reports, "--seed", 7, "--format", args.format],
                      lifetime=120)
        if fakes.wait_event("acked", 30) is None:
            return [f"{kind} master did not ack all {n} fake workers within 30 s: {fakes.stderr[-500:]} "
                    f"{master.tail()}"]
        time.sleep(1.5)  # let the master see the heartbeats
        body = f"user_count={n}&spawn_rate={n}".encode()
        answer = master.get("/swarm", body)
        if not answer.get("success"):
            return [f"{kind} master refused /swarm: {answer}"]
        if fakes.wait_event("running", 30) is None:
            return [f"{kind} master did not spawn on every fake worker within 30 s"]
        if fakes.wait_event("reports_done", 30 + 3 * args.validate_reports) is None:
            return ["the fakes did not send their reports in time"]
        sent = None
        time.sleep(3.5)  # the master merges (and accurate publishes a snapshot) after the last report
        stats = master.get("/stats/requests")
        workers = stats.get("workers", [])
        if len(workers) != n:
            problems.append(f"{kind}: /stats/requests lists {len(workers)} workers, expected {n}")
        states = sorted({w.get("state") for w in workers})
        if states != ["running"]:
            problems.append(f"{kind}: worker states {states}, expected only running")
        master.get("/stop")
        time.sleep(1)
        rows = {(r["method"], r["name"]): r for r in stats["stats"]}
        master.close(signal.SIGTERM if kind == "locust" else signal.SIGINT)
        summary = fakes.finish(timeout=15)
        if summary is None:
            return problems + [f"{kind}: the fakes printed no summary: {fakes.stderr[-500:]}"]
        sent = summary
        total = rows.get(("", "Aggregated")) or rows.get((None, "Aggregated"))
        if total is None:
            return problems + [f"{kind}: no Aggregated row in /stats/requests"]
        if total["num_requests"] != sent["num_requests"]:
            problems.append(f"{kind}: master total {total['num_requests']} requests, fakes sent "
                            f"{sent['num_requests']}")
        if total["num_failures"] != sent["num_failures"]:
            problems.append(f"{kind}: master total {total['num_failures']} failures, fakes sent "
                            f"{sent['num_failures']}")
        expected_avg = sent["total_response_time"] / sent["num_requests"]
        if abs(total["avg_response_time"] - expected_avg) > 1e-3 * expected_avg:
            problems.append(f"{kind}: mean response time {total['avg_response_time']} ms, fakes sent "
                            f"{expected_avg:.4f} ms")
        for key, count in sent["per_entry"].items():
            method, name = key.split(" ", 1)
            got = rows.get((method, name), {}).get("num_requests")
            if got != count:
                problems.append(f"{kind}: {key}: master {got}, fakes {count}")
        # Medians: what Locust computes from the merged buckets (accurate: within its histogram error).
        medians_ok = 0
        for key, buckets in sent["buckets"].items():
            method, name = key.split(" ", 1)
            row = rows.get((method or "", name))
            if row is None:
                problems.append(f"{kind}: no row for {key!r}")
                continue
            want = locust_median(buckets, sent["min"][key], sent["max"][key])
            got = row["median_response_time"]
            if kind == "locust":
                tolerance = 0
            elif args.format == "locust":  # the master converts the same buckets: its histogram error only
                tolerance = 5e-3 * want
            else:  # exact histograms: the true median, within half a Locust bucket of Locust's
                tolerance = (0.5 if want < 100 else 5.0) + 1e-3 * want
            if abs(got - want) > tolerance:
                problems.append(f"{kind}: {key}: median {got} ms, Locust's algorithm on the sent buckets {want} ms")
            else:
                medians_ok += 1
        print(f"validation {kind}: {len(workers)} workers listed, {total['num_requests']} requests "
              f"(fakes sent {sent['num_requests']}), {total['num_failures']} failures (sent {sent['num_failures']}), "
              f"mean {total['avg_response_time']:.3f} ms (sent {expected_avg:.3f}), "
              f"{medians_ok}/{len(sent['buckets'])} medians as expected -> "
              f"{'OK' if not problems else 'FAILED'}", flush=True)
        return problems
    finally:
        master.close()
        if fakes is not None:
            stop(fakes.proc)


def locust_median(buckets: dict, lo: float, hi: float) -> float:
    """Locust 2.12.1's StatsEntry.median_response_time for merged buckets {str(ms): count} and exact min/max."""
    keys = sorted((int(k), c) for k, c in buckets.items())
    total = sum(c for _, c in keys)
    pos = (total - 1) / 2
    median = 0
    for k, c in keys:
        if pos < c:
            median = k
            break
        pos -= c
    return min(max(median, lo), hi)


def measure(kind: str, args, tmp: Path, rep: int) -> dict:
    """One headless run; the master's CPU over the steady window."""
    run_time = int(args.warmup + args.window + 12)
    master = Master(kind, args, tmp, args.workers, headless=True, run_time=run_time)
    fakes = None
    try:
        time.sleep(0.5 if kind == "accurate" else 1.5)
        if master.proc.poll() is not None:
            raise RuntimeError(f"{kind} master exited at once: {master.tail()}")
        fakes = Fakes(master.port, args.workers, args.fakes_cpu,
                      ["--seed", 100 + rep, "--entries", args.entries, "--requests", args.requests,
                       "--format", args.format],
                      lifetime=run_time + 90)
        if fakes.wait_event("running", 60) is None:
            raise RuntimeError(f"{kind}: the fakes were not all running within 60 s: {master.tail()}")
        time.sleep(args.warmup)
        pid = master.proc.pid
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(args.window)
        c1, t1 = cpu_seconds(pid), time.monotonic()
        percent = 100.0 * (c1 - c0) / (t1 - t0)
        try:
            master.proc.wait(timeout=run_time + 30)
        except subprocess.TimeoutExpired:
            pass
        code = master.close(signal.SIGINT)
        summary = fakes.finish(timeout=20) or {}
        merged = master_total(kind, master, tmp)
        result = {"kind": kind, "rep": rep, "cpu_percent": percent, "cpu_seconds": c1 - c0, "wall": t1 - t0,
                  "exit_code": code, "fakes_sent": summary.get("num_requests"), "master_total": merged,
                  "fakes_acked": summary.get("acked"), "fakes_dropped": summary.get("dropped")}
        print(f"  {kind:8s} rep {rep + 1}: {percent:6.2f} % of one core ({c1 - c0:.2f} s CPU in {t1 - t0:.1f} s); "
              f"master total {merged}, fakes sent {summary.get('num_requests')}", flush=True)
        return result
    finally:
        master.close()
        if fakes is not None:
            stop(fakes.proc)


def master_total(kind: str, master: Master, tmp: Path):
    """The final total the master printed (accurate: --json; locust: the CSV's Aggregated row), or None."""
    try:
        if kind == "accurate":
            doc, _ = json.JSONDecoder().raw_decode(master.out_path.read_text().strip())
            return doc["total"]["num_requests"]
        import csv
        with open(tmp / f"locust-{master.port}_stats.csv", newline="") as f:
            for row in csv.DictReader(f):
                if row["Name"] == "Aggregated":
                    return int(row["Request Count"])
    except (OSError, ValueError, KeyError):
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accurate", help="the accurate executable (needed when --kinds has accurate)")
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--window", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=6)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--entries", type=int, default=20, help="entries per fake report")
    parser.add_argument("--requests", type=int, default=150, help="mean requests per entry per fake report")
    parser.add_argument("--format", choices=("locust", "accurate"), default="locust",
                        help="fake reports in Locust's format only, or with an accurate worker's exact histograms")
    parser.add_argument("--master-cpu", type=int, default=0)
    parser.add_argument("--fakes-cpu", type=int, default=1)
    parser.add_argument("--validate-reports", type=int, default=2)
    parser.add_argument("--kinds", default="accurate,locust", help="masters to measure, comma-separated")
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        args.master_cpu = args.fakes_cpu = None
    kinds = [k for k in args.kinds.split(",") if k]
    if set(kinds) - {"accurate", "locust"} or not kinds:
        parser.error("--kinds: accurate and/or locust")
    if "accurate" in kinds and not (args.accurate and os.access(args.accurate, os.X_OK)):
        parser.error(f"--accurate {args.accurate}: not an executable")
    if args.accurate:
        args.accurate = str(Path(args.accurate).resolve())  # the masters run in a temporary directory
    with tempfile.TemporaryDirectory(prefix="accurate-cluster-bench.") as t:
        tmp = Path(t)
        (tmp / "locustfile.py").write_text(LOCUSTFILE)
        (tmp / "accurate.json").write_text(json.dumps(ACCURATE_CONFIG))
        if not args.skip_validation:
            problems = []
            for kind in kinds:
                problems += validate(kind, args, tmp)
            if problems:
                print("validation failed:\n" + "\n".join(f"- {p}" for p in problems), file=sys.stderr)
                return 1
        print(f"measuring: {args.workers} fake workers ({args.format} format, {args.entries} entries of "
              f"~{args.requests} requests per report), {args.window:.0f} s window after {args.warmup:.0f} s, {args.reps} interleaved repetitions, "
              f"master on CPU {args.master_cpu}, fakes on CPU {args.fakes_cpu}", flush=True)
        results = []
        for rep in range(args.reps):
            for kind in kinds:
                results.append(measure(kind, args, tmp, rep))
    medians = {k: statistics.median(r["cpu_percent"] for r in results if r["kind"] == k) for k in kinds}
    if "accurate" in medians:
        print(f"accurate master: {medians['accurate']:.2f} % of one core (median of {args.reps})")
    if "locust" in medians:
        print(f"locust 2.12.1 master: {medians['locust']:.2f} % of one core (median of {args.reps})")
    if len(medians) == 2 and medians["locust"] > 0:
        print(f"ratio accurate/locust: {medians['accurate'] / medians['locust']:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"medians": medians, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
