#!/usr/bin/python3
"""--json prints exactly one JSON document on stdout — the report — and nothing else (logs go to stderr).

Usage: test_json_stdout.py PATH_TO_ACCURATE [unittest args]
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()


class JsonStdout(unittest.TestCase):
    def test_JsonOptionPrintsOneDocumentEqualToReport(self):
        with harness.Nginx(access_log=False) as nginx, tempfile.TemporaryDirectory(prefix="accurate-integ.") as tmp:
            reports = Path(tmp) / "reports"
            run = harness.run_accurate(ACCURATE, harness.http_args(nginx.url, 2, 2, "2s", reports, "--json"),
                                       timeout=60)
            # Exit code 0 is checked by the other tests; here only that it did not crash.
            self.assertGreaterEqual(run.returncode, 0, run.describe())
            decoder = json.JSONDecoder()
            text = run.stdout.strip()
            self.assertTrue(text, "nothing on stdout")
            document, end = decoder.raw_decode(text)
            self.assertEqual(text[end:].strip(), "", f"more than one JSON document on stdout: {text[end:][:200]!r}")
            self.assertIsInstance(document, dict)
            for key in ("entries", "total", "errors"):
                self.assertIn(key, document)
            self.assertGreater(document["total"]["num_requests"], 0)
            self.assertEqual(document, harness.load_report(harness.single_report_dir(reports)),
                             "stdout differs from report.json")


if __name__ == "__main__":
    unittest.main(verbosity=2)
