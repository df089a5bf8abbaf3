#!/usr/bin/python3
"""Does the web UI slow the load? One accurate in web mode (pinned to CPU 0, one shard, users without wait)
against nginx (CPU 1) runs the same 10 s test three ways, interleaved, REPEAT times:
  none     no web client at all
  browser  what an open browser tab does: GET /stats/requests, /stats/history and /status every 1.5 s
  flood    FLOOD clients (on CPU 1) fetching /stats/requests back to back as fast as the server answers
For each test: requests/s of the load (from the test's report) and requests per CPU-second of the whole accurate
process (utime+stime from /proc over the test, web threads included). Ratios are against `none` of the same
repetition; the medians are printed and written to --out.

Usage: web_overhead.py --accurate PATH [--repeat 3] [--seconds 10] [--users 50] [--flood 4] [--out RESULT.json]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "integration" / "lib"))
import harness  # noqa: E402

CONFIG = {"http": {"user_classes": [{"name": "hot", "wait": {"constant": "0s"},
                                     "tasks": [{"name": "root", "method": "GET", "path": "/"}]}]}}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=5) as r:
        r.read()


def poller(url: str, stop: threading.Event, period: float | None) -> None:
    """period None: back to back on /stats/requests; else the browser's three requests every period."""
    while not stop.is_set():
        try:
            if period is None:
                get(url + "/stats/requests")
            else:
                for path in ("/stats/requests", "/stats/history?since=0", "/status"):
                    get(url + path)
                stop.wait(period)
        except OSError:
            stop.wait(0.05)


def one_test(web: harness.AccurateWeb, mode: str, seconds: int, users: int, flood: int, reports: Path) -> dict:
    stop = threading.Event()
    threads = []
    if mode == "browser":
        threads = [threading.Thread(target=poller, args=(web.url, stop, 1.5))]
    elif mode == "flood":
        threads = [threading.Thread(target=poller, args=(web.url, stop, None)) for _ in range(flood)]
    before_reports = set(p.name for p in harness.report_dirs(reports))
    cpu0 = cpu_seconds(web.proc.pid)
    body = f"user_count={users}&spawn_rate=1000&run_time={seconds}".encode()
    status, _, answer = harness.http_get(web.url + "/swarm", method="POST", data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, answer
    for t in threads:
        t.start()

    def stopped() -> bool:
        new = set(p.name for p in harness.report_dirs(reports)) - before_reports
        return bool(new)

    assert harness.wait_until(stopped, seconds + 30, 0.2), "the test did not end"
    cpu = cpu_seconds(web.proc.pid) - cpu0
    stop.set()
    for t in threads:
        t.join(timeout=10)
    new = sorted(set(p.name for p in harness.report_dirs(reports)) - before_reports)
    report = harness.load_report(reports / new[-1])
    requests = report["total"]["num_requests"]
    duration = report["end_time"] - report["start_time"]
    return {"mode": mode, "requests": requests, "rps": requests / duration, "cpu_s": cpu,
            "req_per_cpu_s": requests / cpu if cpu > 0 else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accurate", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--flood", type=int, default=4)
    parser.add_argument("--out")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="accurate-webbench.") as tmp, \
            harness.Nginx(access_log=False, cpu=1) as nginx:
        config = Path(tmp) / "c.json"
        config.write_text(json.dumps(CONFIG))
        reports = Path(tmp) / "reports"
        web = harness.AccurateWeb("taskset", ["-c", "0", args.accurate, "--plugins", "http", "-f", config,
                                              "-H", nginx.url, "--threads", "1", "--reports-dir", reports,
                                              "--print-stats=false"])
        with web:
            for rep in range(args.repeat):
                for mode in ("none", "browser", "flood"):
                    r = one_test(web, mode, args.seconds, args.users, args.flood, reports)
                    r["rep"] = rep
                    results.append(r)
                    print(f"rep {rep} {mode:8} {r['rps']:10.0f} req/s {r['req_per_cpu_s']:10.0f} req/CPU-s", flush=True)
    summary = {}
    for mode in ("browser", "flood"):
        rps = [next(x for x in results if x["rep"] == k and x["mode"] == mode)["rps"] /
               next(x for x in results if x["rep"] == k and x["mode"] == "none")["rps"] for k in range(args.repeat)]
        eff = [next(x for x in results if x["rep"] == k and x["mode"] == mode)["req_per_cpu_s"] /
               next(x for x in results if x["rep"] == k and x["mode"] == "none")["req_per_cpu_s"]
               for k in range(args.repeat)]
        summary[mode] = {"rps_ratio_median": statistics.median(rps), "rps_ratios": rps,
                         "req_per_cpu_ratio_median": statistics.median(eff), "req_per_cpu_ratios": eff}
        print(f"{mode}: load req/s vs no client, median {statistics.median(rps):.3f} "
              f"({', '.join(f'{x:.3f}' for x in rps)}); req/CPU-s ratio median {statistics.median(eff):.3f}")
    if args.out:
        Path(args.out).write_text(json.dumps({"runs": results, "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
