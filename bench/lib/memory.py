#!/usr/bin/python3
"""Memory per idle user and start-up time (run through bench/memory.sh, which raises the open-file limit).

Each user of the load generator makes one request to a local nginx and then waits a long constant time with its
connection open. We read the generator's RSS (VmRSS in /proc/PID/status) once every user's request is in nginx's
access log (plus a settle delay), for 1 user and for N users: KiB per user = (RSS(N) - RSS(1)) / (N - 1).
Start-up time = first access-log line ($msec, millisecond resolution) minus the wall-clock time just before the
process was started, median over --startup-repeat runs of 1 user.

Usage: memory.py --accurate PATH [--users 10000] [--spawn-rate 1000] [--settle 2] [--startup-repeat 5]
                 [--wait-spec TEXT] [--locust] [--out RESULT.json]
"""

import argparse
import json
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "integration" / "lib"))
import harness  # noqa: E402

LOCUSTFILE = """from locust import FastHttpUser, constant, task


class Idle(FastHttpUser):
    wait_time = constant(3600)

    @task
    def root(self):
        self.client.get("/")
"""


def idle_config(wait_spec: str) -> str:
    """The http plugin config: one class, one GET /, then the wait (JSON text, e.g. {"constant": "1h"})."""
    return json.dumps({"http": {"user_classes": [{
        "name": "idle", "wait": json.loads(wait_spec),
        "tasks": [{"name": "root", "method": "GET", "path": "/", "stats_name": "/"}]}]}}, indent=2)


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def count_lines(path: Path) -> tuple[int, float | None]:
    """(number of lines, $msec of the first line or None)."""
    data = path.read_bytes()
    if not data:
        return 0, None
    first = data.split(b"\n", 1)[0].split(b" ", 1)[0]
    return data.count(b"\n"), float(first)


def measure(cmd: list, users: int, nginx: harness.Nginx, settle: float, workdir: Path, name: str) -> dict:
    """Starts cmd, waits (bounded) until nginx logged `users` requests, settles, reads RSS, stops it by SIGINT."""
    nginx.access_log.write_text("")  # nginx appends (O_APPEND): truncating starts the count afresh
    out = open(workdir / f"{name}.out", "w")
    err = open(workdir / f"{name}.err", "w")
    t0 = time.time()
    proc = subprocess.Popen(cmd, preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL, stdout=out,
                            stderr=err, cwd=workdir)
    result = {"name": name, "users": users}
    deadline = time.monotonic() + 60 + users / 100
    first_rss = None
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited early with {proc.returncode}: "
                                   f"{(workdir / f'{name}.err').read_text()[-1500:]}")
            if first_rss is None:
                try:
                    first_rss = status_kib(proc.pid, "VmRSS")
                except (OSError, KeyError):
                    pass
            logged, first_msec = count_lines(nginx.access_log)
            if first_msec is not None and "startup_s" not in result:
                result["startup_s"] = first_msec - t0
            if logged >= users:
                result["all_requests_after_s"] = time.time() - t0
                break
            time.sleep(0.02)
        else:
            raise RuntimeError(f"{name}: only {count_lines(nginx.access_log)[0]} of {users} requests logged in time")
        time.sleep(settle)
        result["rss_first_sample_kib"] = first_rss
        result["rss_kib"] = status_kib(proc.pid, "VmRSS")
        result["hwm_kib"] = status_kib(proc.pid, "VmHWM")
        result["threads"] = status_kib(proc.pid, "Threads")
        result["requests_logged"] = count_lines(nginx.access_log)[0]
        stop_start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
            result["stop_s"] = time.monotonic() - stop_start
            result["returncode"] = proc.returncode
        except subprocess.TimeoutExpired:
            result["stop_s"] = None
            result["returncode"] = None
    finally:
        harness.stop_process(proc, signal.SIGKILL)
        out.close()
        err.close()
    return result


def measure_accurate(args, nginx: harness.Nginx, workdir: Path, accurate_cmd, results: dict) -> None:
    one = [measure(accurate_cmd(1), 1, nginx, args.settle, workdir, f"accurate-1-{i}")
           for i in range(max(1, args.startup_repeat))]
    many = measure(accurate_cmd(args.users), args.users, nginx, args.settle, workdir, f"accurate-{args.users}")
    rss_one = statistics.median(r["rss_kib"] for r in one)
    results["accurate"] = {
        "startup_ms_median": statistics.median(r["startup_s"] for r in one) * 1000,
        "startup_ms_all": [round(r["startup_s"] * 1000, 1) for r in one],
        "rss_1_user_kib": rss_one, "rss_n_users_kib": many["rss_kib"], "hwm_n_users_kib": many["hwm_kib"],
        "rss_first_sample_kib": many["rss_first_sample_kib"],
        "kib_per_user": (many["rss_kib"] - rss_one) / (args.users - 1),
        "spawn_to_all_requests_s": many["all_requests_after_s"], "stop_s": many["stop_s"],
        "returncode_after_sigint": many["returncode"], "threads": many["threads"]}


def main() -> int:
    parser = argparse.ArgumentParser(description="memory per idle user and start-up time")
    parser.add_argument("--accurate", help="the accurate executable (omit to measure only Locust)")
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--spawn-rate", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between the last request and the reading")
    parser.add_argument("--startup-repeat", type=int, default=5)
    parser.add_argument("--wait-spec", default='{"constant": "1h"}',
                        help="the http plugin's wait for the idle class, as JSON")
    parser.add_argument("--locust", action="store_true", help="measure Locust FastHttpUser the same way")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users must be at least 2")

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.users + 1024:
        print(f"open-file limit {soft} is below {args.users + 1024}: run through bench/memory.sh", file=sys.stderr)
        return 2
    results = {"users": args.users, "spawn_rate": args.spawn_rate, "settle_s": args.settle}
    with tempfile.TemporaryDirectory(prefix="accurate-membench.") as tmp, \
            harness.Nginx(worker_connections=args.users + 1024) as nginx:
        workdir = Path(tmp)
        (workdir / "idle.json").write_text(idle_config(args.wait_spec))
        run_time = f"{int(args.users / args.spawn_rate) + 120}s"

        def accurate_cmd(users: int) -> list:
            return [args.accurate, "--plugins", "http", "-H", nginx.url, "-u", str(users), "-r",
                    str(args.spawn_rate), "-t", run_time, "--headless", "--threads", "1", "--reports-dir",
                    str(workdir / "reports"), "-f", str(workdir / "idle.json")]

        if args.accurate:
            measure_accurate(args, nginx, workdir, accurate_cmd, results)

        if args.locust:
            (workdir / "locustfile.py").write_text(LOCUSTFILE)

            def locust_cmd(users: int) -> list:
                return [harness.PYTHON, "-m", "locust", "-f", "locustfile.py", "--headless", "-u", str(users), "-r",
                        str(args.spawn_rate), "-t", run_time, "-H", nginx.url, "--only-summary",
                        "--loglevel", "WARNING"]

            l_one = measure(locust_cmd(1), 1, nginx, args.settle, workdir, "locust-1")
            l_many = measure(locust_cmd(args.users), args.users, nginx, args.settle, workdir, f"locust-{args.users}")
            results["locust"] = {
                "startup_ms": l_one["startup_s"] * 1000, "rss_1_user_kib": l_one["rss_kib"],
                "rss_n_users_kib": l_many["rss_kib"],
                "kib_per_user": (l_many["rss_kib"] - l_one["rss_kib"]) / (args.users - 1),
                "spawn_to_all_requests_s": l_many["all_requests_after_s"]}

    a = results.get("accurate")
    if a:
        print(f"accurate: start-up to first request {a['startup_ms_median']:.1f} ms (median of {a['startup_ms_all']})")
        print(f"accurate: RSS 1 user {a['rss_1_user_kib']:.0f} KiB, {args.users} idle users {a['rss_n_users_kib']} KiB"
              f" -> {a['kib_per_user']:.2f} KiB per user; all {args.users} requests "
              f"{a['spawn_to_all_requests_s']:.1f} s after start; SIGINT -> exit {a['returncode_after_sigint']} "
              f"in {a['stop_s']} s")
    if "locust" in results:
        lo = results["locust"]
        print(f"locust:   start-up to first request {lo['startup_ms']:.0f} ms; RSS 1 user {lo['rss_1_user_kib']} KiB, "
              f"{args.users} users {lo['rss_n_users_kib']} KiB -> {lo['kib_per_user']:.2f} KiB per user")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
