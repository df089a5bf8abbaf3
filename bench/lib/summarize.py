#!/usr/bin/python3
"""Summarises bench/run.sh's results.tsv: requests per CPU-second per tool (median over repetitions) and the
paired ratios accurate/wrk and accurate/Locust (ratio per repetition, then the median).

Usage: summarize.py RESULTS.tsv
"""

import csv
import statistics
import sys


def main() -> int:
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    if not rows:
        print("no results", file=sys.stderr)
        return 1
    per_tool: dict[str, dict[int, dict]] = {}
    for row in rows:
        cpu = float(row["user_s"]) + float(row["sys_s"])
        requests = int(row["requests"])
        per_tool.setdefault(row["tool"], {})[int(row["rep"])] = {
            "requests": requests, "nginx": int(row["nginx_requests"]), "cpu": cpu, "wall": float(row["wall_s"]),
            "rps_cpu": requests / cpu if cpu > 0 else 0.0, "user": float(row["user_s"]),
            "sys": float(row["sys_s"]), "rc": int(row["returncode"])}

    print(f"{'tool':<10}{'reps':>5}{'requests':>12}{'nginx saw':>12}{'req/s (wall)':>14}{'CPU s':>9}"
          f"{'user %':>8}{'req per CPU-s':>15}{'µs CPU/req':>12}")
    for tool, reps in per_tool.items():
        med = lambda key: statistics.median(r[key] for r in reps.values())  # noqa: E731
        rps_cpu = med("rps_cpu")
        user_share = statistics.median(r["user"] / r["cpu"] * 100 if r["cpu"] else 0 for r in reps.values())
        print(f"{tool:<10}{len(reps):>5}{med('requests'):>12.0f}{med('nginx'):>12.0f}"
              f"{med('requests') / med('wall'):>14.0f}{med('cpu'):>9.2f}{user_share:>8.1f}{rps_cpu:>15.0f}"
              f"{(1e6 / rps_cpu if rps_cpu else 0):>12.2f}")
        bad = [rep for rep, r in reps.items() if r["rc"] != 0]
        if bad:
            print(f"  warning: {tool} exited non-zero in repetitions {bad}")
        off = [rep for rep, r in reps.items()
               if r["requests"] and abs(r["nginx"] - r["requests"]) > 0.01 * r["requests"]]
        if off:
            print(f"  warning: {tool}'s own count differs from nginx's by more than 1 % in repetitions {off}")

    if "accurate" in per_tool:
        for other in ("wrk", "locust"):
            if other not in per_tool:
                continue
            ratios = [per_tool["accurate"][rep]["rps_cpu"] / per_tool[other][rep]["rps_cpu"]
                      for rep in per_tool["accurate"] if rep in per_tool[other] and per_tool[other][rep]["rps_cpu"]]
            if ratios:
                print(f"accurate/{other}: median {statistics.median(ratios):.2f} "
                      f"(per repetition: {', '.join(f'{r:.2f}' for r in ratios)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
