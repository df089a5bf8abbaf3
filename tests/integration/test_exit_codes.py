#!/usr/bin/python3
"""Exit codes: 3 when a threshold is broken, 0 when it holds, 2 with one line on stderr for a bad threshold, an
unknown plugin (the line lists the available ones) or a config file with a syntax error (the line names the file).

Usage: test_exit_codes.py PATH_TO_ACCURATE [unittest args]
"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()


class ExitCodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nginx = harness.Nginx(access_log=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.cleanup()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="accurate-integ.")
        self.dir = Path(self.tmp.name)
        self.reports = self.dir / "reports"

    def tearDown(self):
        self.tmp.cleanup()

    def run_http(self, *extra, duration="2s"):
        return harness.run_accurate(
            ACCURATE, harness.http_args(self.nginx.url, 2, 2, duration, self.reports, *extra), timeout=60)

    def assert_one_line_config_error(self, run, *must_contain):
        self.assertEqual(run.returncode, 2, run.describe())
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, f"expected one line on stderr, got:\n{run.stderr}")
        for text in must_contain:
            self.assertIn(text, lines[0])
        self.assertEqual(harness.report_dirs(self.reports), [], "a configuration error must not write a report")

    def test_BrokenThresholdExitsThree(self):
        run = self.run_http("--threshold", "p95<1us")
        self.assertEqual(run.returncode, 3, run.describe())
        # The run itself happened and was reported.
        report = harness.load_report(harness.single_report_dir(self.reports))
        self.assertGreater(report["total"]["num_requests"], 0)

    def test_HeldThresholdExitsZero(self):
        run = self.run_http("--threshold", "p95<10s")
        self.assertEqual(run.returncode, 0, run.describe())

    def test_BadThresholdExpressionExitsTwoWithOneLine(self):
        run = self.run_http("--threshold", "p95<<fast", duration="30s")
        self.assert_one_line_config_error(run, "p95<<fast")
        self.assertLess(run.seconds, 10, "a configuration error must be found before the run")

    def test_UnknownPluginExitsTwoListingAvailablePlugins(self):
        args = harness.http_args(self.nginx.url, 2, 2, "30s", self.reports)
        args[args.index("http")] = "no_such_plugin"
        run = harness.run_accurate(ACCURATE, args, timeout=30)
        self.assert_one_line_config_error(run, "no_such_plugin", "http")

    def test_ConfigSyntaxErrorExitsTwoNamingTheFile(self):
        config = self.dir / "broken.jsonc"
        config.write_text('{\n  "http": {\n    "user_classes": [\n  }\n')
        run = self.run_http("-f", config, duration="30s")
        self.assert_one_line_config_error(run, str(config.name))


if __name__ == "__main__":
    unittest.main(verbosity=2)
