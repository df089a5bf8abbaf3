#!/usr/bin/python3
"""The designate plugin end to end against build/designate-sim: data preparation, the gather phase, all 13 tasks
and their async entries, injected faults, Keystone identity, and (only when ACCURATE_DESIGNATE_URL is set) a real
Designate.

Usage: test_designate_sim.py PATH_TO_ACCURATE [unittest args]
"""

import json
import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_designate_sim(ACCURATE)

TASK_REQUESTS = [  # (method, name) of each task's own request, one per task (export has two)
    ("GET", "/v2/zones/ID"), ("GET", "/v2/zones?name=zoneNAME"), ("GET", "/v2/zones"),
    ("POST", "/v2/zones/tasks/imports"), ("POST", "/v2/zones/ID/tasks/export"),
    ("GET", "/v2/zones/tasks/exports/ID/export"), ("POST", "/v2/zones"), ("PATCH", "/v2/zones/ID"),
    ("DELETE", "/v2/zones/ID"), ("GET", "/v2/zones/ID/recordsets"), ("GET", "/v2/zones/ID/recordsets/ID"),
    ("POST", "/v2/zones/ID/recordsets"), ("PUT", "/v2/zones/ID/recordsets/ID"),
    ("DELETE", "/v2/zones/ID/recordsets/ID")]
ASYNC_ENTRIES = [  # (method, name) of every "- async" entry
    ("POST", "/v2/zones/tasks/imports - async"), ("POST", "/v2/zones/ID/tasks/export - async"),
    ("POST", "/v2/zones - async"), ("PATCH", "/v2/zones/ID - async"), ("DELETE", "/v2/zones/ID - async"),
    ("POST", "/v2/zones/ID/recordsets - async"), ("PUT", "/v2/zones/ID/recordsets/ID - async"),
    ("DELETE", "/v2/zones/ID/recordsets/ID - async")]
FAST_SIM = ["--active-delay", "200ms..600ms", "--zone-delete-delay", "200ms..500ms", "--import-delay",
            "100ms..300ms", "--quota-zones", "100000"]


def write_config(directory: Path, **designate) -> Path:
    section = {"tenants": {"large": ["proj-large-1", "proj-large-2"],
                           "small": ["proj-small-1", "proj-small-2", "proj-small-3"]},
               "async_interval": "250ms", "async_timeout": "30s",
               # Deep delete pools: removes draw from them faster than new objects join at first.
               "pools": {"zones_for_delete": 20, "recordsets_for_delete": 40},
               "prepare": {"zones": 30, "recordsets": 6, "parallel": 8}}
    section.update(designate)
    path = directory / "designate.json"
    path.write_text(json.dumps({"designate": section}))
    return path


def entry_map(report: dict) -> dict:
    return {(e["method"], e["name"]): e for e in report["entries"]}


class DesignateAgainstSimulator(unittest.TestCase):
    def prepare(self, sim, config: Path, *extra):
        run = harness.run_accurate(ACCURATE, ["designate", "prepare", "--plugins", "designate", "-H", sim.url,
                                              "-f", config, *extra], timeout=120)
        self.assertEqual(run.returncode, 0, run.describe())
        return run

    def load(self, sim, config: Path, reports: Path, seconds: int, users: int = 40, *extra):
        return harness.run_accurate(ACCURATE, ["--plugins", "designate", "-H", sim.url, "-f", config, "-u", users,
                                               "-r", users, "-t", f"{seconds}s", "--headless", "--threads", "2",
                                               "--stop-timeout", "5s", "--reports-dir", reports,
                                               "--exit-code-on-error", "0", *extra], timeout=seconds + 90)

    def test_AllThirteenTasksRunWithAsyncEntriesAndNoUnexpectedFailures(self):
        with harness.DesignateSim(ACCURATE, *FAST_SIM) as sim, tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp))
            self.prepare(sim, config)
            second = self.prepare(sim, config)  # idempotent: nothing left to create
            self.assertRegex(second.stdout + second.stderr, r"\(0 created\), recordsets \d+/\d+ \(0 created\)")
            reports = Path(tmp) / "reports"
            run = self.load(sim, config, reports, 60)
            self.assertEqual(run.returncode, 0, run.describe())
            report = harness.load_report(harness.single_report_dir(reports))
            entries = entry_map(report)
            found = harness.Findings()
            for key in TASK_REQUESTS:
                found.check(entries.get(key, {}).get("num_requests", 0) > 0, f"task request {key} never ran")
            for key in ASYNC_ENTRIES:
                entry = entries.get(key)
                if not found.check(entry is not None and entry["num_requests"] > 0, f"async entry {key} missing"):
                    continue
                # Zone/recordset creates and updates take 200-600 ms on this simulator, polled every 250 ms.
                found.check(entry["min_response_time"] >= 0 and entry["max_response_time"] < 30000,
                            f"{key}: implausible times {entry['min_response_time']}..{entry['max_response_time']} ms")
            for key in [("POST", "/v2/zones - async"), ("PATCH", "/v2/zones/ID - async")]:
                if key in entries:
                    found.check(entries[key]["min_response_time"] >= 200,
                                f"{key}: finished before the simulator's 200 ms minimum delay")
            found.check(any(n.endswith(" - status check") for _, n in entries), "no status-check entries")
            found.equal(report["errors"], [], "failures")
            found.equal({k: v for k, v in report.get("counters", {}).items() if k.startswith("skipped.")}, {},
                        "skipped tasks (a pool ran dry)")
            found.raise_if_any(run.describe())

    def test_InjectedFaultsAppearAsFailuresWithClearMessages(self):
        with harness.DesignateSim(ACCURATE, *FAST_SIM, "--error-rate", "0.05", "--zone-error-rate", "0.5",
                                  "--seed", "7") as sim, tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), prepare={"zones": 20, "recordsets": 2, "parallel": 4})
            # Prepare may hit injected 500s: it must say so and exit 1, or succeed; either way it must end.
            harness.run_accurate(ACCURATE, ["designate", "prepare", "--plugins", "designate", "-H", sim.url,
                                            "-f", config], timeout=120)
            reports = Path(tmp) / "reports"
            run = self.load(sim, config, reports, 20)
            self.assertIn(run.returncode, (0, 1), run.describe())
            report = harness.load_report(harness.single_report_dir(reports))
            messages = [e["error"] for e in report["errors"]]
            self.assertTrue(any("HTTP 500" in m for m in messages), messages)
            self.assertTrue(any("ERROR" in m for m in messages if "async" in m or "status" in m.lower()) or
                            any(e["name"].endswith(" - async") and "ERROR" in e["error"] for e in report["errors"]),
                            report["errors"])

    def test_KeystonePasswordAndAppCredentialTokensAreIssuedCachedAndRenewed(self):
        users = ["--keystone", "--token-ttl", "8s",
                 "--keystone-user", "alice:alice-pw:proj-k1",
                 "--keystone-user", "bob:bob-pw:proj-k2:cred-bob:cred-bob-secret"]
        with harness.DesignateSim(ACCURATE, *FAST_SIM, *users) as sim, tempfile.TemporaryDirectory() as tmp:
            tenants = {"large": [{"project_id": "proj-k1", "username": "alice", "password": "alice-pw"}],
                       "small": [{"project_id": "proj-k2", "username": "bob", "password": "bob-pw"}]}
            config = write_config(Path(tmp), tenants=tenants, auth_mode="keystone_password", identity_url=sim.url,
                                  token_renew_before="3s")
            self.prepare(sim, config)
            reports = Path(tmp) / "reports"
            run = self.load(sim, config, reports, 20, 10)
            self.assertEqual(run.returncode, 0, run.describe())
            report = harness.load_report(harness.single_report_dir(reports))
            tokens = entry_map(report).get(("POST", "/v3/auth/tokens"))
            self.assertIsNotNone(tokens, "no token requests during the load phase (8 s tokens must be renewed)")
            self.assertGreaterEqual(tokens["num_requests"], 2)
            self.assertEqual(report["errors"], [])
            text = json.dumps(report) + run.stdout + run.stderr
            for secret in ("alice-pw", "bob-pw"):
                self.assertNotIn(secret, text, "a password leaked into the report or the logs")
            # Application credentials: a 5 s run must authenticate and work.
            app = {"large": [], "small": [{"project_id": "proj-k2", "app_credential_id": "cred-bob",
                                           "app_credential_secret": "cred-bob-secret"}]}
            config = write_config(Path(tmp), tenants=app, auth_mode="keystone_app_credential", identity_url=sim.url)
            reports = Path(tmp) / "reports-app"
            run = self.load(sim, config, reports, 5, 4)
            self.assertEqual(run.returncode, 0, run.describe())
            self.assertNotIn("cred-bob-secret", run.stdout + run.stderr)

    def test_WrongPasswordStopsWithOneClearLine(self):
        with harness.DesignateSim(ACCURATE, *FAST_SIM, "--keystone", "--keystone-user", "alice:right:proj-k1") as sim, \
                tempfile.TemporaryDirectory() as tmp:
            tenants = {"large": [{"project_id": "proj-k1", "username": "alice", "password": "wrong-pw"}], "small": []}
            config = write_config(Path(tmp), tenants=tenants, auth_mode="keystone_password", identity_url=sim.url)
            run = self.load(sim, config, Path(tmp) / "reports", 5, 2)
            self.assertNotEqual(run.returncode, 0, run.describe())
            self.assertIn("proj-k1", run.stderr)
            self.assertNotIn("wrong-pw", run.stdout + run.stderr)


@unittest.skipUnless(os.environ.get("ACCURATE_DESIGNATE_URL"), "ACCURATE_DESIGNATE_URL not set (no real Designate)")
class DesignateAgainstRealServer(unittest.TestCase):
    """A short run against a real Designate in noauth mode; ACCURATE_DESIGNATE_TENANTS = comma-separated projects
    (default accurate-it-1,accurate-it-2). The prepare step creates zones there and raises their quotas."""

    def test_PrepareAndShortLoadSucceed(self):
        url = os.environ["ACCURATE_DESIGNATE_URL"]
        projects = os.environ.get("ACCURATE_DESIGNATE_TENANTS", "accurate-it-1,accurate-it-2").split(",")
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), tenants={"large": projects[:1], "small": projects[1:]},
                                  async_interval="1s", async_timeout="120s",
                                  prepare={"zones": 20, "recordsets": 3, "parallel": 4, "quotas": {"zones": 1000}})
            run = harness.run_accurate(ACCURATE, ["designate", "prepare", "--plugins", "designate", "-H", url,
                                                  "-f", config], timeout=600)
            self.assertEqual(run.returncode, 0, run.describe())
            reports = Path(tmp) / "reports"
            run = harness.run_accurate(ACCURATE, ["--plugins", "designate", "-H", url, "-f", config, "-u", 5, "-r", 5,
                                                  "-t", "30s", "--headless", "--reports-dir", reports,
                                                  "--stop-timeout", "30s"], timeout=300)
            self.assertEqual(run.returncode, 0, run.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
