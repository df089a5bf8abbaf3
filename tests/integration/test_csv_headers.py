#!/usr/bin/python3
"""accurate's CSV files have exactly Locust's header lines. The reference comes from running the real Locust
(python3-locust, through /usr/bin/python3) against the same nginx.

Usage: test_csv_headers.py PATH_TO_ACCURATE [unittest args]
"""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()
if subprocess.run([harness.PYTHON, "-c", "import locust"], capture_output=True).returncode != 0:
    print("SKIP: python3-locust is not installed")
    sys.exit(harness.SKIP)

CSV_SUFFIXES = ("stats.csv", "stats_history.csv", "failures.csv", "exceptions.csv")
LOCUSTFILE = """from locust import HttpUser, task


class Get(HttpUser):
    @task
    def root(self):
        self.client.get("/")
"""


def header(path: Path) -> str:
    with open(path, newline="") as f:
        return f.readline().rstrip("\r\n")


class CsvHeaders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="accurate-integ.")
        cls.dir = Path(cls.tmp.name)
        cls.nginx = harness.Nginx(access_log=False).start()
        (cls.dir / "locustfile.py").write_text(LOCUSTFILE)
        locust = subprocess.run(
            [harness.PYTHON, "-m", "locust", "--headless", "-u", "2", "-r", "2", "-t", "2s", "--csv",
             str(cls.dir / "locust"), "-H", cls.nginx.url, "-f", "locustfile.py"],
            cwd=cls.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if locust.returncode != 0:
            raise RuntimeError(f"locust failed ({locust.returncode}): {locust.stderr[-2000:]}")
        cls.reference = {s: header(cls.dir / f"locust_{s}") for s in CSV_SUFFIXES}
        cls.reports = cls.dir / "reports"
        cls.accurate_run = harness.run_accurate(
            ACCURATE, harness.http_args(cls.nginx.url, 2, 2, "2s", cls.reports, "--csv", cls.dir / "acc"),
            timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.nginx.cleanup()
        cls.tmp.cleanup()

    def test_ReferenceHeadersLookLikeLocusts(self):
        self.assertTrue(self.reference["stats.csv"].startswith("Type,Name,Request Count,Failure Count"))
        self.assertEqual(self.reference["failures.csv"], "Method,Name,Error,Occurrences")

    def test_CsvOptionWritesLocustHeaders(self):
        # The exit code is checked elsewhere; here only that it did not crash.
        self.assertGreaterEqual(self.accurate_run.returncode, 0, self.accurate_run.describe())
        for suffix in CSV_SUFFIXES:
            path = self.dir / f"acc_{suffix}"
            self.assertTrue(path.is_file(), f"--csv did not write {path.name}")
            self.assertEqual(header(path), self.reference[suffix], f"header of {path.name}")

    def test_ReportDirectoryCsvFilesHaveLocustHeaders(self):
        self.assertGreaterEqual(self.accurate_run.returncode, 0, self.accurate_run.describe())
        report_dir = harness.single_report_dir(self.reports)
        for suffix in CSV_SUFFIXES:
            self.assertEqual(header(report_dir / suffix), self.reference[suffix], f"header of report's {suffix}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
