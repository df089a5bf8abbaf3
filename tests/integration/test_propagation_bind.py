#!/usr/bin/python3
"""The built-in propagation poller against a real BIND 9 (Debian bind9) on a loopback port.

For each change type, `accurate digaas observe` starts polling named (interval 0.2 s) with --start-time T0, the
test waits an injected delay D and then makes the change with nsupdate: the printed propagation time must be
D within one poll interval. D is bracketed by the moments nsupdate started and returned (named applies the
update somewhere in between; nsupdate itself takes a few hundred ms), and SLACK covers one query's round trip and
scheduling. A change that never happens gives exit 1 and the "not propagated after ..." error at the timeout.
ZONE_CREATE/ZONE_DELETE are not exercised here (they need rndc addzone/delzone); the unit tests cover them.

Usage: test_propagation_bind.py PATH_TO_ACCURATE [unittest args]
"""

import json
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import bind  # noqa: E402
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
if not bind.available():
    print(f"SKIP: {bind.NAMED} or {bind.NSUPDATE} missing (install bind9 and bind9-dnsutils)")
    sys.exit(harness.SKIP)

ZONE = "prop.test."
INTERVAL = 0.2  # seconds between two checks of the change
DELAY = 1.2  # the injected delay before the change is made
SLACK = 0.25  # one query's round trip + scheduling on a loaded machine, on top of one interval
TIMEOUT = 8.0  # the observation's own timeout for the cases that succeed


class PropagationAgainstBind(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ns = bind.Bind(ZONE).start()

    @classmethod
    def tearDownClass(cls):
        cls.ns.cleanup()

    def observe(self, args: list, timeout: float = TIMEOUT) -> subprocess.Popen:
        cmd = [ACCURATE, "digaas", "observe", "--plugins", "digaas",
               "--digaas-nameservers", f"127.0.0.1:{self.ns.port}", "--digaas-interval", str(INTERVAL),
               "--digaas-timeout", str(timeout), "--digaas-query-timeout", "1", "--loglevel", "warning"] + args
        return subprocess.Popen(cmd, preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self, proc: subprocess.Popen, limit: float = TIMEOUT + 10) -> tuple[int, dict, str]:
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            harness.stop_process(proc)
            out, err = proc.communicate()
            self.fail(f"accurate digaas observe did not exit within {limit} s\n{err[-2000:]}")
        lines = [line for line in out.splitlines() if line.startswith("{")]
        self.assertEqual(len(lines), 1, f"expected one JSON line (one nameserver)\nstdout:\n{out}\nstderr:\n{err}")
        return proc.returncode, json.loads(lines[0]), err

    def timed_change(self, change_args: list, updates: list[str]) -> None:
        """Starts observing at T0, makes the change after DELAY, and checks the measured time."""
        t0 = time.time()
        proc = self.observe(change_args + ["--start-time", f"{t0:.6f}"])
        time.sleep(DELAY)
        applied_from = time.time() - t0
        self.ns.nsupdate(updates)
        applied_by = time.time() - t0
        code, line, err = self.finish(proc)
        self.assertEqual(code, 0, f"{line}\n{err[-2000:]}")
        self.assertTrue(line["propagated"], line)
        self.assertIsNone(line["error"])
        self.assertEqual(line["nameserver"], f"127.0.0.1:{self.ns.port}")
        seconds = line["seconds"]
        print(f"\n  {line['type']}: seen after {seconds:.3f} s; nsupdate ran {applied_from:.3f}-{applied_by:.3f} s; "
              f"{line['queries']} queries", file=sys.stderr)
        self.assertGreaterEqual(seconds, applied_from - 0.01,
                                f"seen at {seconds:.3f} s, before nsupdate started at {applied_from:.3f} s: {line}")
        self.assertLessEqual(seconds, applied_by + INTERVAL + SLACK,
                             f"seen at {seconds:.3f} s: more than one poll interval ({INTERVAL} s) + {SLACK} s slack "
                             f"(query round trip, scheduling) after nsupdate returned at {applied_by:.3f} s: {line}")
        self.assertGreaterEqual(line["queries"], 3, f"it polled before the change was made: {line}")

    def test_1_zone_update_waits_for_the_serial(self):
        before = self.ns.serial()
        self.assertIsNotNone(before)
        self.timed_change(["--type", "ZONE_UPDATE", "--name", ZONE, "--serial", str(before + 1)],
                          [f"update add bump.{ZONE} 60 TXT \"serial bump\""])
        self.assertEqual(self.ns.serial(), before + 1)

    def test_2_record_create(self):
        self.timed_change(["--type", "RECORD_CREATE", "--name", f"www.{ZONE}", "--rdata", "192.0.2.10"],
                          [f"update add www.{ZONE} 60 A 192.0.2.10"])

    def test_3_record_update(self):
        self.timed_change(["--type", "RECORD_UPDATE", "--name", f"www.{ZONE}", "--rdatatype", "A",
                           "--rdata", "192.0.2.11"],
                          [f"update delete www.{ZONE} A", f"update add www.{ZONE} 60 A 192.0.2.11"])

    def test_4_record_delete(self):
        self.timed_change(["--type", "RECORD_DELETE", "--name", f"www.{ZONE}", "--rdata", "192.0.2.11"],
                          [f"update delete www.{ZONE} A"])

    def test_5_a_change_that_never_happens_times_out(self):
        t0 = time.time()
        proc = self.observe(["--type", "RECORD_CREATE", "--name", f"never.{ZONE}", "--rdata", "192.0.2.99",
                             "--start-time", f"{t0:.6f}"], timeout=1.5)
        code, line, err = self.finish(proc, limit=15)
        self.assertEqual(code, 1, f"{line}\n{err[-2000:]}")
        self.assertFalse(line["propagated"])
        self.assertEqual(line["seconds"], 1.5)
        self.assertEqual(line["error"], "not propagated after 1.5 s (last answer: NXDOMAIN)")
        self.assertGreaterEqual(line["queries"], 3)

    def test_6_bad_arguments_exit_2(self):
        proc = self.observe(["--type", "ZONE_MOVE", "--name", ZONE])
        out, err = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("--type: unknown change type \"ZONE_MOVE\"", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
