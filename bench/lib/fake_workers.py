#!/usr/bin/python3
"""Light fake Locust workers for the cluster-master benchmark: one Python process, N ZeroMQ DEALER sockets, each
speaking Locust 2.12.1's worker protocol to a master (a Python Locust master or an accurate master).

Each fake worker:
- connects with identity "fake-<i>_<32 hex>" and sends client_ready -1 (accepted silently by every 2.x master and by
  accurate), again every 5 s until it gets an ack;
- after the ack sends a heartbeat every --heartbeat-interval s ({"state", "current_cpu_usage",
  "current_memory_usage"}) and a stats report right away, then every --report-interval s;
- once a spawn put it in the running state, each report carries --entries entries ("GET /api/e<j>"), each with
  about --requests requests whose response times are drawn from a log-normal distribution (median ~20 ms, long
  tail), bucketed exactly as Locust 2.12.1 does (float keys at 100 ms and above), per-second counts, a
  consistent stats_total, and for entry 0 about 1 % failures with a Locust-keyed error;
- answers spawn (spawning first; drops stale timestamps; spawning_complete with every class), stop
  (client_stopped then client_ready -1), quit (a final empty stats then quit; the socket closes), reconnect
  (new socket, same identity), and ignores heartbeat/spawning_complete from the master.

With --format accurate, the reports also carry what an accurate worker adds under the key "accurate" (layout 1 of
core/src/cluster/locust_stats.cpp: exact sdk::Histogram buckets at 1 µs resolution, exact sums, min and max), and the
heartbeats the "accurate" key: the load an accurate master gets from accurate workers. A Python master ignores it.

With --max-reports K a worker sends at most K non-empty reports (then only empty ones), so a validation can wait
until every worker is done and compare the master's totals with the exact sums printed here.

Output: JSON lines on stdout: {"event": "acked", "workers": n} when all are acked, {"event": "running", ...} when all
are running, {"event": "reports_done"} when every worker sent its --max-reports, and at exit
{"event": "summary", ...} with the exact totals sent (num_requests, num_failures, total_response_time,
per_entry counts, and per "METHOD name" key (" Aggregated" for the total) the merged Locust buckets, min and max
in ms, reports, acked). The process exits when every worker was told to quit, on SIGTERM/SIGINT, or
after --lifetime seconds.

Usage: fake_workers.py --master-port P [--master-host 127.0.0.1] [-n 50] [--class-name WebUser] [--entries 20]
                       [--requests 150] [--report-interval 3] [--heartbeat-interval 1] [--max-reports 0]
                       [--lifetime 600] [--seed 1] [--format locust|accurate]
"""

import argparse
import hashlib
import json
import math
import random
import signal
import sys
import time
import uuid

import msgpack
import zmq

CONNECT_RETRY = 5.0  # seconds between client_ready retries (Locust's CONNECT_TIMEOUT)


def locust_bucket(t: float):
    """Locust 2.12.1's response_times key of a float time in ms (round half to even; floats from 100 ms)."""
    if t < 100:
        return round(t)
    if t < 1000:
        return round(t, -1)
    if t < 10000:
        return round(t, -2)
    return round(t, -3)


def histogram_index(us: int) -> int:
    """sdk::Histogram::bucketIndex (core/src/stats/histogram.cpp): 1 µs buckets below 2048 µs, then 1024 linear
    sub-buckets per power of two."""
    if us < 2048:
        return us
    exponent = us.bit_length() - 1
    return 2048 + (exponent - 11) * 1024 + ((us >> (exponent - 10)) - 1024)


def error_key(method: str, name: str, error: str) -> str:
    """Locust's error key: sha256 of '<method>.<name>.<repr(error)>'."""
    return hashlib.sha256(f"{method}.{name}.{error!r}".encode()).hexdigest()


class FakeWorker:
    """One fake worker with its own DEALER socket; driven by Fleet's loop."""

    def __init__(self, fleet: "Fleet", index: int):
        self.fleet = fleet
        self.index = index  # position in the fleet
        self.node_id = f"fake-{index:02d}_{uuid.uuid4().hex}"  # also the routing id
        self.rng = random.Random(fleet.args.seed * 1000 + index)
        self.socket = None
        self.state = "ready"  # the worker state sent in heartbeats
        self.acked = False
        self.ack_index = -1
        self.quit_received = False
        self.users: dict[str, int] = {fleet.args.class_name: 0}  # user_classes_count
        self.last_spawn_timestamp = -1.0
        self.next_ready = 0.0  # when to (re)send client_ready before the ack
        self.next_heartbeat = math.inf
        self.next_report = math.inf
        self.last_report_time = time.time()
        self.reports_with_data = 0  # non-empty reports sent
        self.open()

    def open(self) -> None:
        sock = self.fleet.ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.IDENTITY, self.node_id.encode())
        sock.setsockopt(zmq.LINGER, 1000)
        sock.setsockopt(zmq.TCP_KEEPALIVE, 1)
        sock.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 30)
        sock.connect(f"tcp://{self.fleet.args.master_host}:{self.fleet.args.master_port}")
        self.socket = sock
        self.fleet.poller.register(sock, zmq.POLLIN)

    def close(self) -> None:
        if self.socket is not None:
            self.fleet.poller.unregister(self.socket)
            self.socket.close()
            self.socket = None

    def send(self, kind: str, data) -> None:
        if self.socket is None:
            return
        payload = msgpack.packb([kind, data, self.node_id], use_bin_type=True)
        try:
            self.socket.send(payload, zmq.NOBLOCK)
        except zmq.Again:
            self.fleet.dropped += 1

    # --- periodic work -----------------------------------------------------------------------------------------

    def due(self, now: float) -> float:
        """Does what is due at monotonic time now; returns the next deadline."""
        if self.quit_received:
            return math.inf
        if not self.acked:
            if now >= self.next_ready:
                self.send("client_ready", -1)
                self.next_ready = now + CONNECT_RETRY
            return self.next_ready
        if now >= self.next_heartbeat:
            heartbeat = {"state": self.state, "current_cpu_usage": 1.5,
                         "current_memory_usage": 52_000_000 + self.index}
            if self.fleet.args.format == "accurate":
                heartbeat["accurate"] = "fake"
            self.send("heartbeat", heartbeat)
            self.next_heartbeat += self.fleet.args.heartbeat_interval
            if self.next_heartbeat <= now:  # fell behind (suspended): do not burst
                self.next_heartbeat = now + self.fleet.args.heartbeat_interval
        if now >= self.next_report:
            self.report()
            self.next_report += self.fleet.args.report_interval
            if self.next_report <= now:
                self.next_report = now + self.fleet.args.report_interval
        return min(self.next_heartbeat, self.next_report)

    def entry(self, name: str, method: str, start: float, end: float, failing: bool) -> tuple[dict, dict | None]:
        """One synthetic entry of about --requests requests between start and end (epoch s)."""
        args = self.fleet.args
        n = max(1, int(self.rng.gauss(args.requests, args.requests ** 0.5)))
        buckets: dict = {}
        exact: dict[int, int] = {}  # sdk::Histogram index -> count (--format accurate)
        total = 0.0
        total_us = 0
        lo, hi = math.inf, 0.0
        for _ in range(n):
            t = self.rng.lognormvariate(math.log(20.0), 0.6)
            if self.rng.random() < 0.01:
                t *= self.rng.uniform(5, 60)  # the long tail
            us = int(round(t * 1000))
            t = us / 1000.0
            key = locust_bucket(t)
            buckets[key] = buckets.get(key, 0) + 1
            if args.format == "accurate":
                index = histogram_index(us)
                exact[index] = exact.get(index, 0) + 1
            total += t
            total_us += us
            lo, hi = min(lo, t), max(hi, t)
        failures = sum(1 for _ in range(n) if self.rng.random() < 0.01) if failing else 0
        per_sec: dict[int, int] = {}
        first, last = int(start), int(end)
        span = max(1, last - first + 1)
        for k in range(n):
            second = first + (k * span) // n
            per_sec[second] = per_sec.get(second, 0) + 1
        fail_sec = {last: failures} if failures else {}
        data = {"name": name, "method": method, "last_request_timestamp": end, "start_time": start,
                "num_requests": n, "num_none_requests": 0, "num_failures": failures, "total_response_time": total,
                "max_response_time": hi, "min_response_time": lo, "total_content_length": n * 606,
                "response_times": buckets, "num_reqs_per_sec": per_sec, "num_fail_per_sec": fail_sec}
        if args.format == "accurate":  # the exact part an accurate worker adds (locust_stats.cpp, layout 1)
            data["_exact"] = {
                "method": method, "name": name, "num_requests": n, "num_failures": failures,
                "total_response_time_us": total_us, "total_content_length": n * 606,
                "first_sample_time": start, "last_sample_time": end,
                "response_times": sorted([k, c] for k, c in exact.items()),
                "min_response_time_us": int(round(lo * 1000)), "max_response_time_us": int(round(hi * 1000)),
                "intended_response_times": [], "min_intended_us": 0, "max_intended_us": 0,
                "num_reqs_per_sec": per_sec, "num_fail_per_sec": fail_sec}
        error = None
        if failures:
            text = "HTTPError('500 Server Error: Internal Server Error for url: " + name + "')"
            error = {"name": name, "method": method, "error": text, "occurrences": failures}
        return data, error

    def report(self) -> None:
        """Sends one stats report: entries only while running and below --max-reports."""
        now = time.time()
        start, self.last_report_time = self.last_report_time, now
        args = self.fleet.args
        entries, errors = [], {}
        producing = self.state in ("spawning", "running") and (
            args.max_reports == 0 or self.reports_with_data < args.max_reports)
        if producing:
            for j in range(args.entries):
                data, error = self.entry(f"/api/e{j:02d}", "GET", start, now, failing=(j == 0))
                entries.append(data)
                if error:
                    errors[error_key("GET", data["name"], error["error"])] = error
            self.reports_with_data += 1
            if args.max_reports and self.reports_with_data == args.max_reports:
                self.fleet.worker_reports_done(self)
        exact = [e.pop("_exact") for e in entries if "_exact" in e]
        total = self.total_of(entries, start, now)
        self.fleet.account(entries)
        data = {"stats": entries, "stats_total": total, "errors": errors,
                "user_classes_count": dict(self.users), "user_count": sum(self.users.values())}
        if args.format == "accurate":
            data["accurate"] = {"layout": 1, "start_time": start, "entries": exact,
                                "errors": list(errors.values()), "exceptions": [], "counters": []}
        self.send("stats", data)

    @staticmethod
    def total_of(entries: list, start: float, now: float) -> dict:
        total = {"name": "Aggregated", "method": "", "last_request_timestamp": now if entries else None,
                 "start_time": start, "num_requests": 0, "num_none_requests": 0, "num_failures": 0,
                 "total_response_time": 0.0, "max_response_time": 0, "min_response_time": None,
                 "total_content_length": 0, "response_times": {}, "num_reqs_per_sec": {}, "num_fail_per_sec": {}}
        for e in entries:
            for key in ("num_requests", "num_none_requests", "num_failures", "total_response_time",
                        "total_content_length"):
                total[key] += e[key]
            total["max_response_time"] = max(total["max_response_time"], e["max_response_time"])
            if e["min_response_time"] is not None:
                m = total["min_response_time"]
                total["min_response_time"] = e["min_response_time"] if m is None else min(m, e["min_response_time"])
            for field in ("response_times", "num_reqs_per_sec", "num_fail_per_sec"):
                for k, v in e[field].items():
                    total[field][k] = total[field].get(k, 0) + v
        return total

    # --- messages from the master ------------------------------------------------------------------------------

    def on_message(self, payload: bytes) -> None:
        try:
            kind, data, node_id = msgpack.unpackb(payload, raw=False, strict_map_key=False)
        except Exception as e:  # noqa: BLE001 - a fake: log and go on
            print(f"fake worker {self.index}: undecodable message: {e}", file=sys.stderr)
            return
        now = time.monotonic()
        if kind == "ack":
            first = not self.acked
            self.acked = True
            self.ack_index = data.get("index", -1) if isinstance(data, dict) else -1
            self.state = "ready"
            self.next_heartbeat = now + self.fleet.args.heartbeat_interval
            self.next_report = now  # the first report goes out right away, as Locust's
            self.last_report_time = time.time()
            if first:
                self.fleet.worker_acked(self)
        elif kind == "spawn":
            self.send("spawning", None)
            if data["timestamp"] <= self.last_spawn_timestamp:
                return
            self.last_spawn_timestamp = data["timestamp"]
            if self.state == "ready":
                self.last_report_time = time.time()
            self.users = {str(k): int(v) for k, v in data["user_classes_count"].items()}
            self.state = "running"
            self.send("spawning_complete", {"user_classes_count": dict(self.users),
                                            "user_count": sum(self.users.values())})
            self.fleet.worker_running(self)
        elif kind == "stop":
            self.users = {k: 0 for k in self.users}
            self.send("client_stopped", None)
            self.state = "ready"
            self.acked = False
            self.next_ready = now  # client_ready again right away (stop_timeout 0)
            self.next_heartbeat = self.next_report = math.inf
        elif kind == "quit":
            self.users = {k: 0 for k in self.users}
            self.state = "ready"
            self.report()  # final report: nothing new (entries are made at report time)
            self.send("quit", None)
            self.quit_received = True
            self.fleet.worker_quit(self)
        elif kind == "reconnect":
            self.close()
            self.open()
        elif kind in ("heartbeat", "spawning_complete"):
            pass
        else:
            print(f"fake worker {self.index}: unknown message {kind!r}", file=sys.stderr)


class Fleet:
    """All fake workers and the single loop that serves them."""

    def __init__(self, args):
        self.args = args
        self.ctx = zmq.Context()
        self.poller = zmq.Poller()
        self.dropped = 0  # messages that could not be queued
        self.acked: set[int] = set()
        self.running: set[int] = set()
        self.done: set[int] = set()
        self.quit: set[int] = set()
        self.sent = {"num_requests": 0, "num_failures": 0, "total_response_time": 0.0, "reports": 0,
                     "per_entry": {}, "buckets": {}, "min": {}, "max": {}}
        self.stop_requested = False
        self.workers = [FakeWorker(self, i) for i in range(args.workers)]
        self.by_socket = {w.socket: w for w in self.workers}

    @staticmethod
    def emit(event: dict) -> None:
        print(json.dumps(event), flush=True)

    def worker_acked(self, w: FakeWorker) -> None:
        self.acked.add(w.index)
        if len(self.acked) == len(self.workers):
            self.emit({"event": "acked", "workers": len(self.workers)})

    def worker_running(self, w: FakeWorker) -> None:
        if w.index in self.running:
            return
        self.running.add(w.index)
        if len(self.running) == len(self.workers):
            self.emit({"event": "running", "workers": len(self.workers),
                       "users": sum(sum(x.users.values()) for x in self.workers)})

    def worker_reports_done(self, w: FakeWorker) -> None:
        self.done.add(w.index)
        if len(self.done) == len(self.workers):
            self.emit({"event": "reports_done", "workers": len(self.workers)})

    def worker_quit(self, w: FakeWorker) -> None:
        self.quit.add(w.index)

    def account(self, entries: list) -> None:
        if not entries:
            return
        self.sent["reports"] += 1
        for e in entries:
            self.sent["num_requests"] += e["num_requests"]
            self.sent["num_failures"] += e["num_failures"]
            self.sent["total_response_time"] += e["total_response_time"]
            for key in (f"{e['method']} {e['name']}", " Aggregated"):
                if key != " Aggregated":
                    self.sent["per_entry"][key] = self.sent["per_entry"].get(key, 0) + e["num_requests"]
                buckets = self.sent["buckets"].setdefault(key, {})
                for bucket, count in e["response_times"].items():
                    buckets[int(bucket)] = buckets.get(int(bucket), 0) + count  # 150.0 and 150 merge, as in Python
                self.sent["min"][key] = min(self.sent["min"].get(key, math.inf), e["min_response_time"])
                self.sent["max"][key] = max(self.sent["max"].get(key, 0), e["max_response_time"])

    def run(self) -> int:
        deadline = time.monotonic() + self.args.lifetime
        while not self.stop_requested and len(self.quit) < len(self.workers):
            now = time.monotonic()
            if now >= deadline:
                print(f"fake workers: lifetime of {self.args.lifetime} s reached", file=sys.stderr)
                break
            next_due = min((w.due(now) for w in self.workers), default=now + 1)
            timeout_ms = max(0, min(1000, int((min(next_due, deadline) - time.monotonic()) * 1000)))
            for sock, _ in self.poller.poll(timeout_ms):
                worker = self.by_socket.get(sock)
                while worker is not None and worker.socket is sock:
                    try:
                        payload = sock.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    worker.on_message(payload)
                    self.by_socket = {w.socket: w for w in self.workers if w.socket is not None}
        for w in self.workers:
            w.close()
        self.ctx.term()
        self.emit({"event": "summary", "workers": len(self.workers), "acked": len(self.acked),
                   "quit": len(self.quit), "dropped": self.dropped, **self.sent})
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--master-host", default="127.0.0.1")
    parser.add_argument("--master-port", type=int, required=True)
    parser.add_argument("-n", "--workers", type=int, default=50)
    parser.add_argument("--class-name", default="WebUser", help="the user class listed before the first spawn")
    parser.add_argument("--entries", type=int, default=20, help="entries per report")
    parser.add_argument("--requests", type=int, default=150, help="mean requests per entry per report")
    parser.add_argument("--report-interval", type=float, default=3.0)
    parser.add_argument("--heartbeat-interval", type=float, default=1.0)
    parser.add_argument("--max-reports", type=int, default=0, help="non-empty reports per worker (0 = no limit)")
    parser.add_argument("--lifetime", type=float, default=600.0, help="exit after this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("locust", "accurate"), default="locust",
                        help="accurate: also send the exact histograms an accurate worker adds (key 'accurate')")
    args = parser.parse_args()
    fleet = Fleet(args)

    def on_signal(signum, frame):
        fleet.stop_requested = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return fleet.run()


if __name__ == "__main__":
    sys.exit(main())
