#!/usr/bin/python3
"""Runs a command and reports the CPU time it (and every descendant it waited for) used.

Usage: cpu_time.py --out RESULT.json [--stdout FILE] [--stderr FILE] [--timeout SECONDS] -- COMMAND [ARGS...]

RESULT.json: {"user": s, "sys": s, "cpu": s, "wall": s, "max_rss_kib": KiB, "returncode": n}. user/sys come from
getrusage(RUSAGE_CHILDREN) after the child is reaped, so they are exact kernel accounting (no sampling). The
command is killed (SIGTERM, then SIGKILL) when it outlives --timeout.
"""

import argparse
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--stdout")
    parser.add_argument("--stderr")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    out = open(args.stdout, "wb") if args.stdout else None
    err = open(args.stderr, "wb") if args.stderr else None
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    try:
        rc = proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        print(f"cpu_time: {command[0]} outlived {args.timeout} s and was stopped", file=sys.stderr)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {"user": usage.ru_utime, "sys": usage.ru_stime, "cpu": usage.ru_utime + usage.ru_stime,
              "wall": wall, "max_rss_kib": usage.ru_maxrss, "returncode": rc}
    with open(args.out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
