#!/usr/bin/python3
"""The digaas plugin's Digaas service client end to end: build/designate-sim (API + DNS) as the target and the
nameserver, tests/fixtures/digaas/fake_digaas.py as the Digaas service (it polls the simulator's DNS port for real),
and `accurate --plugins designate,digaas --digaas-poll false --digaas-endpoint ...` with a write-heavy profile.

Checks: every posted observer's fields (digaas.md §3), the number posted = the report counter
digaas.observers_posted, the report's plugins.digaas service part (complete, summary tables, three PNG data URIs)
and the HTML report showing them; and with no Digaas listening: the usual exit code, exactly one warning line about
Digaas, the section says missing.

Usage: test_digaas_service.py PATH_TO_ACCURATE [unittest args]
"""

import base64
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_designate_sim(ACCURATE)
FAKE_DIGAAS = Path(__file__).resolve().parents[1] / "fixtures" / "digaas" / "fake_digaas.py"
TYPES = {"ZONE_CREATE", "ZONE_UPDATE", "ZONE_DELETE", "RECORD_CREATE", "RECORD_UPDATE", "RECORD_DELETE"}
SIM = ["--active-delay", "100ms..300ms", "--zone-delete-delay", "100ms..300ms", "--import-delay", "100ms..200ms",
       "--propagation-delay", "300ms", "--quota-zones", "100000"]
# Writes only (reads 0): every change type is published.
WRITES = {"get_domain_by_id": 0, "get_domain_by_name": 0, "list_domains": 0, "export_domain": 0,
          "list_records": 0, "get_record": 0, "import_zone": 1, "create_domain": 3, "modify_domain": 3,
          "remove_domain": 2, "create_record": 4, "modify_record": 3, "remove_record": 2}
PLOTS = ("propagation_by_type", "propagation_by_nameserver", "query")
RUN_SECONDS = 4


def write_config(directory: Path) -> Path:
    section = {"tenants": {"large": ["proj-large-1"], "small": ["proj-small-1"]},
               "async_interval": "200ms", "async_timeout": "20s",
               "pools": {"zones_for_delete": 10, "recordsets_for_delete": 20},
               "prepare": {"zones": 12, "recordsets": 4, "parallel": 8},
               "weights": {"large": WRITES, "small": WRITES}}
    path = directory / "designate.json"
    path.write_text(json.dumps({"designate": section}))
    return path


class FakeDigaas:
    """fake_digaas.py on an ephemeral port, polling 127.0.0.1:<dns_port>."""

    def __init__(self, dns_port: int, tmp: Path):
        self.port_file = tmp / "digaas.port"
        self.log = open(tmp / "digaas.log", "w")
        self.proc = subprocess.Popen(["/usr/bin/python3", str(FAKE_DIGAAS), "--port-file", str(self.port_file),
                                      "--dns-port", str(dns_port), "--stats-delay", "0.5",
                                      "--dns-query-timeout", "0.5"],
                                     preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not harness.wait_until(lambda: self.proc.poll() is not None or self.port_file.exists(), timeout=10):
            self.stop()
            raise RuntimeError("fake_digaas.py did not start within 10 s")
        self.url = f"http://127.0.0.1:{json.loads(self.port_file.read_text())['port']}"

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            return json.loads(response.read())

    def stop(self):
        harness.stop_process(self.proc, signal.SIGTERM)
        self.log.close()


def warning_lines(stderr: str) -> list:
    return [line for line in stderr.splitlines() if re.search(r"\bwarn(ing)?\b", line) and "digaas" in line.lower()]


class DigaasServiceClient(unittest.TestCase):
    def run_load(self, sim, config: Path, reports: Path, endpoint: str):
        return harness.run_accurate(ACCURATE, [
            "--plugins", "designate,digaas", "-H", sim.url, "-f", config, "-u", 8, "-r", 8,
            "-t", f"{RUN_SECONDS}s", "--headless", "--stop-timeout", "3s", "--reports-dir", reports,
            "--exit-code-on-error", "0", "--digaas-endpoint", endpoint,
            "--digaas-nameservers", f"127.0.0.1:{sim.dns_port}", "--digaas-poll=false",
            "--digaas-cooldown", "1", "--digaas-timeout", "3", "--digaas-interval", "0.2",
            "--digaas-stats-timeout", "10"], timeout=RUN_SECONDS + 60)

    def prepare(self, sim, config: Path):
        run = harness.run_accurate(ACCURATE, ["designate", "prepare", "--plugins", "designate", "-H", sim.url,
                                              "-f", config], timeout=60)
        self.assertEqual(run.returncode, 0, run.describe())

    def test_ObserversArePostedForEveryChangeAndTheStatsLandInTheReport(self):
        with harness.DesignateSim(ACCURATE, *SIM) as sim, tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            digaas = FakeDigaas(sim.dns_port, tmp)
            try:
                config = write_config(tmp)
                self.prepare(sim, config)
                before = time.time()
                reports = tmp / "reports"
                run = self.run_load(sim, config, reports, digaas.url)
                after = time.time()
                self.assertEqual(run.returncode, 0, run.describe())
                observers = digaas.get("/_observers")
            finally:
                digaas.stop()
            report_dir = harness.single_report_dir(reports)
            report = harness.load_report(report_dir)
            found = harness.Findings()
            counters = report.get("counters", {})
            found.check(len(observers) > 0, "no observer was posted")
            found.equal(len(observers), counters.get("digaas.observers_posted"),
                        "observers received vs the report's digaas.observers_posted")
            found.equal(counters.get("digaas.observer_post_failures", 0), 0, "digaas.observer_post_failures")
            seen_types = set()
            for o in observers:
                seen_types.add(o.get("type"))
                where = f"observer {o.get('id')} {json.dumps(o)}"
                found.check(o.get("type") in TYPES, f"{where}: bad type")
                found.check(isinstance(o.get("name"), str) and o["name"].endswith("."), f"{where}: name not absolute")
                found.equal(o.get("nameserver"), "127.0.0.1", f"{where}: nameserver must be the IP only")
                found.check(isinstance(o.get("start_time"), float) and before <= o["start_time"] <= after,
                            f"{where}: start_time not a float within the run")
                found.equal((o.get("timeout"), o.get("interval")), (3, 0.2), f"{where}: timeout/interval")
                if o.get("type") == "ZONE_UPDATE":
                    found.check(isinstance(o.get("serial"), int) and o["serial"] > 0, f"{where}: serial")
                else:
                    found.check("serial" not in o, f"{where}: serial on a non-update")
                if str(o.get("type")).startswith("RECORD_"):
                    found.equal(o.get("rdatatype"), "A", f"{where}: rdatatype")
                    found.check(isinstance(o.get("rdata"), str) and o["rdata"] != "", f"{where}: rdata")
                else:
                    found.check("rdata" not in o and "rdatatype" not in o, f"{where}: rdata on a zone change")
            found.check({"ZONE_CREATE", "RECORD_CREATE"} <= seen_types, f"change types seen: {sorted(seen_types)}")
            found.check(any(o["status"] == "COMPLETE" for o in observers), "no observer completed (DNS polling)")

            section = report.get("plugins", {}).get("digaas", {})
            service = section.get("service", {})
            found.equal(service.get("status"), "complete", f"service part: {json.dumps(service)}")
            window = service.get("window") or [0, 0]
            found.check(window[0] <= int(before) + 1 and window[1] >= int(after) - 60 and window[0] <= window[1],
                        f"stats window {window}")
            tables = section.get("tables", [])
            found.equal(len(tables), 4, "summary tables")
            if tables:
                rows = {r[0]: r for r in tables[0]["rows"]}
                found.check("ZONE_CREATE" in rows, f"observers_by_type rows: {list(rows)}")
                found.equal(tables[0]["columns"][1:], ["average", "median", "min", "max", "per66", "per75", "per90",
                                                       "per95", "per99", "success_count", "error_count"], "columns")
                found.equal(sum(r[10] + r[11] for r in tables[0]["rows"]), len(observers),
                            "summary success+error counts vs observers posted")
            html = (report_dir / "report.html").read_text()
            for plot in PLOTS:
                uri = section.get(plot, "")
                if not found.check(uri.startswith("data:image/png;base64,"), f"{plot}: not a PNG data URI"):
                    continue
                found.check(base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n"),
                            f"{plot}: not a PNG")
                found.check(uri in html, f"{plot}: not in report.html")
            if tables:
                found.check(tables[0]["title"] in html, "summary table title not in report.html")
            found.equal(warning_lines(run.stderr), [], "Digaas warnings")
            found.raise_if_any(run.describe())

    def test_UnreachableDigaasGivesOneWarningAndAMissingSection(self):
        with harness.DesignateSim(ACCURATE, *SIM) as sim, tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            config = write_config(tmp)
            self.prepare(sim, config)
            reports = tmp / "reports"
            run = self.run_load(sim, config, reports, f"http://127.0.0.1:{harness.free_port()}")
            self.assertEqual(run.returncode, 0, run.describe())
            self.assertEqual(len(warning_lines(run.stderr)), 1, run.describe())
            report = harness.load_report(harness.single_report_dir(reports))
            service = report.get("plugins", {}).get("digaas", {}).get("service", {})
            self.assertEqual(service.get("status"), "missing", json.dumps(service))
            self.assertIn("connection refused", service.get("reason", ""))
            self.assertNotIn("digaas.observers_posted", report.get("counters", {}))


if __name__ == "__main__":
    unittest.main(verbosity=2)
