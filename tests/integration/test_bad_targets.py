#!/usr/bin/python3
"""Misbehaving targets (refused, reset, stalled, garbage, closed mid-body): a short run ends with exit code 1, no
crash, a written report, and an error text that says what happened.

Usage: test_bad_targets.py PATH_TO_ACCURATE [unittest args]
"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()

# What the error text must contain (any of, case-insensitive) for each mode.
EXPECTED_ERROR = {
    "refuse": ("connection refused",),
    "reset": ("reset", "closed"),
    "stall": ("timeout", "timed out"),
    "garbage": ("malformed",),
    "close_mid_body": ("closed", "reset", "partial", "end of stream", "eof", "short read"),
}
CRASH_MARKERS = ("AddressSanitizer", "runtime error:", "terminate called", "Segmentation fault", "core dumped")


class BadTargets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.targets = harness.BadTargets(lifetime=240, hold=10).start()

    @classmethod
    def tearDownClass(cls):
        cls.targets.stop()

    def run_against(self, mode: str) -> None:
        with tempfile.TemporaryDirectory(prefix="accurate-integ.") as tmp:
            reports = Path(tmp) / "reports"
            run = harness.run_accurate(
                ACCURATE, harness.http_args(self.targets.url(mode), 2, 2, "2s", reports,
                                            "--request-timeout", "500ms", "--stop-timeout", "2s"), timeout=30)
            for marker in CRASH_MARKERS:
                self.assertNotIn(marker, run.stderr, f"{mode}: {run.describe()}")
            self.assertEqual(run.returncode, 1, f"{mode}: {run.describe()}")
            self.assertLess(run.seconds, 10, f"{mode}: a 2 s run took {run.seconds:.1f} s")
            report_dir = harness.single_report_dir(reports)
            for name in harness.REPORT_FILES:
                self.assertTrue((report_dir / name).is_file(), f"{mode}: {name} missing")
            self.assertEqual(harness.leftovers(reports), [])
            report = harness.load_report(report_dir)
            self.assertGreater(report["total"]["num_failures"], 0, f"{mode}: no failure counted")
            self.assertEqual(report["total"]["num_failures"], report["total"]["num_requests"],
                             f"{mode}: every request should fail")
            self.assertGreater(len(report["errors"]), 0, f"{mode}: no error recorded")
            # The most frequent error names the cause (requests cut by the stop itself are judged by
            # test_signal_stop and test_access_log_count, not here).
            main_error = max(report["errors"], key=lambda e: e["occurrences"])["error"].lower()
            wanted = EXPECTED_ERROR[mode]
            self.assertTrue(any(w in main_error for w in wanted),
                            f"{mode}: main error {main_error!r} should mention one of {wanted}; "
                            f"all: {report['errors']}")
            self.assertEqual(sum(e["occurrences"] for e in report["errors"]), report["total"]["num_failures"])

    def test_RefusedConnectionFailsWithConnectionRefused(self):
        self.run_against("refuse")

    def test_ResetConnectionFailsWithReset(self):
        self.run_against("reset")

    def test_StalledServerFailsWithTimeout(self):
        self.run_against("stall")

    def test_GarbageResponseFailsAsMalformed(self):
        self.run_against("garbage")

    def test_CloseMidBodyFailsAsClosed(self):
        self.run_against("close_mid_body")


if __name__ == "__main__":
    unittest.main(verbosity=2)
