#!/usr/bin/python3
"""The web UI mode and `accurate ctl` with the auth plugin, over the real executable against nginx:
a full start / change users / stop cycle driven by ctl with a bearer token, every route refused without valid
credentials (no header, wrong password, malformed header, wrong and expired tokens), traversal attempts,
throttling of failed logins, TLS with --tls-cert/--tls-key, the exposure warnings, and SIGINT while a test runs.

Usage: test_web_ctl.py PATH_TO_ACCURATE [unittest args]
"""

import base64
import hashlib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402

ACCURATE = harness.accurate_exe_from_argv()
harness.require_nginx()

PASSWORD = "correct horse battery staple"
CONFIG = {
    "http": {"user_classes": [{"name": "reader", "weight": 1, "wait": {"constant": "50ms"},
                               "tasks": [{"name": "index", "method": "GET", "path": "/"}]}]},
}


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def ctl(port: int, *args, env_extra: dict | None = None, timeout: float = 40) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCURATE_")}
    env.update(env_extra or {})
    return subprocess.run([ACCURATE, "ctl", *[str(a) for a in args], "--web-port", str(port)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


class WebCtl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="accurate-webctl."))
        cls.reports = cls.tmp / "reports"
        cls.users_file = cls.tmp / "users"
        cls.tokens_file = cls.tmp / "tokens"
        cls.config = cls.tmp / "config.json"
        # The route matrix below fails on purpose hundreds of times from 127.0.0.1: no lockout here (the Throttling
        # test checks the default lockout on an instance of its own).
        cls.config.write_text(json.dumps({**CONFIG, "auth": {"max_failures": 1000}}))
        cls.nginx = harness.Nginx().start()
        made = subprocess.run([ACCURATE, "auth", "add-user", "alice", "--auth-users-file", cls.users_file],
                              input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        made = subprocess.run([ACCURATE, "auth", "add-token", "ci", "--auth-tokens-file", cls.tokens_file,
                               "--expires-in", "1h"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=60)
        assert made.returncode == 0, made.stderr
        cls.token = made.stdout.strip().splitlines()[-1].strip()
        cls.expired_token = "acc_expired-token-for-the-test"
        digest = hashlib.sha256(cls.expired_token.encode()).hexdigest()
        with open(cls.tokens_file, "a") as f:
            f.write(f"old:{digest}:{int(time.time()) - 3600}\n")
        cls.web = harness.AccurateWeb(ACCURATE, [
            "--plugins", "http,auth", "-f", cls.config, "-H", cls.nginx.url, "--threads", "1",
            "--reports-dir", cls.reports, "--auth-users-file", cls.users_file, "--auth-tokens-file", cls.tokens_file,
            "--print-stats=false"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.web.cleanup()
        cls.nginx.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path: str, headers=None, method="GET", data=None):
        return harness.http_get(self.web.url + path, headers=headers, method=method, data=data)

    def token_env(self) -> dict:
        return {"ACCURATE_WEB_TOKEN": self.token}

    def test_1_ctl_drives_a_whole_test_with_a_bearer_token(self):
        port = self.web.port
        refused = ctl(port, "status")
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn("refused the credentials (401)", refused.stderr)
        wrong = ctl(port, "status", "--web-user", "alice", env_extra={"ACCURATE_WEB_PASSWORD": "nope"})
        self.assertEqual(wrong.returncode, 2)
        self.assertNotIn("nope", wrong.stderr + wrong.stdout, "the password is never echoed")

        started = ctl(port, "start", "-u", 5, "-r", 50, env_extra=self.token_env())
        self.assertEqual(started.returncode, 0, started.stderr)
        self.assertIn("Swarming started", started.stdout)
        waited = ctl(port, "wait", "running", "--timeout", 20, env_extra=self.token_env())
        self.assertEqual(waited.returncode, 0, waited.stderr)

        changed = ctl(port, "start", "-u", 8, "-r", 50, env_extra=self.token_env())
        self.assertEqual(changed.returncode, 0, changed.stderr)
        self.assertIn("8", changed.stdout)

        def users() -> int:
            status = ctl(port, "status", "--json", env_extra=self.token_env())
            return json.loads(status.stdout)["user_count"] if status.returncode == 0 else -1

        self.assertTrue(harness.wait_until(lambda: users() == 8, 15, 0.5), "user count reaches 8")
        time.sleep(1.5)
        stopped = ctl(port, "stop", env_extra=self.token_env())
        self.assertEqual(stopped.returncode, 0, stopped.stderr)
        waited = ctl(port, "wait", "stopped", "--timeout", 20, env_extra=self.token_env())
        self.assertEqual(waited.returncode, 0, waited.stderr)

        def report_listed():
            status, _, body = self.get("/reports/json", basic("alice", PASSWORD))
            return status == 200 and len(json.loads(body)) >= 1

        self.assertTrue(harness.wait_until(report_listed, 15, 0.2), "the stopped test's report is listed")
        status, _, body = self.get("/reports/json", basic("alice", PASSWORD))
        newest = json.loads(body)[0]
        self.assertGreater(newest["num_requests"], 0)
        status, _, raw = self.get(f"/reports/{newest['id']}.json", basic("alice", PASSWORD))
        self.assertEqual(status, 200)
        report = json.loads(raw)
        self.assertNotIn(PASSWORD, raw.decode(), "no secret in the report")
        self.assertGreaterEqual(report["max_users"], 8)
        status = json.loads(ctl(port, "status", "--json", env_extra=self.token_env()).stdout)
        self.assertEqual(status["last_report_id"], newest["id"])

        timed_out = ctl(port, "wait", "running", "--timeout", 1, env_extra=self.token_env())
        self.assertEqual(timed_out.returncode, 1)
        self.assertIn("still stopped", timed_out.stderr)

    def test_2_every_route_refuses_without_valid_credentials(self):
        status, _, body = self.get("/reports/json", basic("alice", PASSWORD))
        ids = [r["id"] for r in json.loads(body)] if status == 200 else []
        rid = ids[0] if ids else "20260101T000000Z-00000000"
        routes = [("GET", "/"), ("GET", "/static/vendor/uPlot.iife.min.js"), ("GET", "/info"), ("GET", "/status"),
                  ("GET", "/stats/requests"), ("GET", "/stats/history?since=0"), ("GET", "/exceptions"),
                  ("GET", "/stats/requests/csv"), ("GET", "/stats/failures/csv"),
                  ("GET", "/stats/requests_full_history/csv"), ("GET", "/exceptions/csv"),
                  ("GET", "/stats/report.json"), ("GET", "/reports"), ("GET", "/reports/json"),
                  ("GET", f"/reports/{rid}"), ("GET", f"/reports/{rid}.json"), ("GET", f"/reports/{rid}/report.html"),
                  ("GET", "/no/such/page"), ("POST", "/swarm"), ("GET", "/stop"), ("GET", "/stats/reset")]
        bad_headers = {
            "none": {},
            "wrong password": basic("alice", "wrong"),
            "unknown user": basic("mallory", PASSWORD),
            "malformed basic": {"Authorization": "Basic !!!not-base64"},
            "no colon": {"Authorization": "Basic " + base64.b64encode(b"alice").decode()},
            "wrong scheme": {"Authorization": "Digest username=alice"},
            "wrong token": {"Authorization": "Bearer acc_wrong"},
            "expired token": {"Authorization": "Bearer " + self.expired_token},
        }
        for label, headers in bad_headers.items():
            for method, path in routes:
                status, resp_headers, body = self.get(path, headers, method=method,
                                                      data=b"user_count=1&spawn_rate=1" if method == "POST" else None)
                with self.subTest(route=path, credentials=label):
                    self.assertEqual(status, 401, f"{method} {path} with {label}")
                    self.assertIn("WWW-Authenticate", resp_headers)
                    self.assertNotIn(b"num_requests", body)
                    self.assertNotIn(rid.encode(), body)
        for method, path in routes:
            if path in ("/stop", "/stats/reset") or method == "POST":
                continue
            status, _, _ = self.get(path, basic("alice", PASSWORD))
            with self.subTest(route=path, credentials="valid"):
                self.assertNotEqual(status, 401, path)
        status, _, _ = self.get("/status", {"Authorization": "Bearer " + self.token})
        self.assertEqual(status, 200)

    def test_3_report_ids_cannot_escape_the_reports_directory(self):
        auth = basic("alice", PASSWORD)
        for path in ["/reports/..%2f..%2fetc%2fpasswd", "/reports/%2e%2e/%2e%2e/etc/passwd",
                     "/reports/..%252f..%252fetc%252fpasswd", "/reports/....//....//etc/passwd.json",
                     "/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd.json", "/reports/20260101T000000Z-00000000.json",
                     "/reports/2026.json", "/reports/x/..%2f..%2f..%2fetc%2fpasswd"]:
            status, _, body = self.get(path, auth)
            with self.subTest(path=path):
                self.assertIn(status, (400, 404))
                self.assertNotIn(b"root:", body)


class Throttling(unittest.TestCase):
    def test_failed_logins_lock_the_address_out(self):
        with tempfile.TemporaryDirectory(prefix="accurate-throttle.") as tmp, harness.Nginx() as nginx:
            users = Path(tmp) / "users"
            made = subprocess.run([ACCURATE, "auth", "add-user", "bob", "--auth-users-file", users],
                                  input="bob-password\n", capture_output=True, text=True, timeout=60)
            self.assertEqual(made.returncode, 0, made.stderr)
            config = Path(tmp) / "c.json"
            config.write_text(json.dumps(CONFIG))
            with harness.AccurateWeb(ACCURATE, ["--plugins", "http,auth", "-f", config, "-H", nginx.url,
                                                "--auth-users-file", users, "--reports-dir", Path(tmp) / "r"]) as web:
                statuses = [harness.http_get(web.url + "/status", basic("bob", f"guess{i}"))[0] for i in range(8)]
                self.assertEqual(statuses[:5], [401] * 5)
                self.assertEqual(statuses[-1], 429)
                status, headers, _ = harness.http_get(web.url + "/status", basic("bob", "bob-password"))
                self.assertEqual(status, 429, "locked out even with the right password")
                self.assertIn("Retry-After", headers)
                self.assertNotIn("bob-password", web.output())
                self.assertNotIn("guess1", web.output(), "passwords are never logged")


class Tls(unittest.TestCase):
    def test_https_with_a_private_ca_and_the_ctl_options(self):
        if not shutil.which("openssl"):
            self.skipTest("openssl missing")
        with tempfile.TemporaryDirectory(prefix="accurate-tls.") as tmp, harness.Nginx() as nginx:
            cert, key = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True, timeout=60)
            config = Path(tmp) / "c.json"
            config.write_text(json.dumps(CONFIG))
            with harness.AccurateWeb(ACCURATE, ["--plugins", "http", "-f", config, "-H", nginx.url,
                                                "--tls-cert", cert, "--tls-key", key, "--reports-dir",
                                                Path(tmp) / "r"], scheme="https") as web:
                context = ssl.create_default_context(cafile=str(cert))
                status, _, body = harness.http_get(web.url + "/status", context=context)
                self.assertEqual(status, 200)
                self.assertEqual(json.loads(body)["state"], "ready")
                self.assertIn(f"web UI at https://127.0.0.1:{web.port}", web.output())
                url = ["--url", web.url]
                ok = ctl(web.port, "status", *url, "--ca-file", cert)
                self.assertEqual(ok.returncode, 0, ok.stderr)
                self.assertIn("ready", ok.stdout)
                unverified = ctl(web.port, "status", *url)
                self.assertEqual(unverified.returncode, 2)
                self.assertIn("--ca-file", unverified.stderr)
                insecure = ctl(web.port, "status", *url, "--insecure")
                self.assertEqual(insecure.returncode, 0, insecure.stderr)


class Exposure(unittest.TestCase):
    def run_bind(self, *extra) -> harness.Run:
        # 192.0.2.1 (TEST-NET-1) is not an address of this machine: the bind fails after the warning, so nothing
        # is ever exposed beyond loopback.
        with tempfile.TemporaryDirectory(prefix="accurate-expose.") as tmp:
            config = Path(tmp) / "c.json"
            config.write_text(json.dumps(CONFIG))
            return harness.run_accurate(ACCURATE, ["-f", config, "-H", "http://127.0.0.1:9", "--web-host",
                                                   "192.0.2.1", "--web-port", harness.free_port(), *extra], 30)

    def test_warns_about_a_non_loopback_ui_without_auth_or_tls(self):
        no_auth = self.run_bind("--plugins", "http")
        self.assertEqual(no_auth.returncode, 2, no_auth.describe())
        self.assertIn("without authentication", no_auth.stderr)
        self.assertIn("cannot listen on 192.0.2.1", no_auth.stderr)
        with tempfile.TemporaryDirectory(prefix="accurate-expose.") as tmp:
            users = Path(tmp) / "users"
            subprocess.run([ACCURATE, "auth", "add-user", "carol", "--auth-users-file", users], input="pw-carol\n",
                           capture_output=True, text=True, timeout=60, check=True)
            no_tls = self.run_bind("--plugins", "http,auth", "--auth-users-file", users)
        self.assertEqual(no_tls.returncode, 2, no_tls.describe())
        self.assertIn("without TLS", no_tls.stderr)


class SignalWhileRunning(unittest.TestCase):
    def test_sigint_during_a_test_writes_its_report_and_quits(self):
        with tempfile.TemporaryDirectory(prefix="accurate-websig.") as tmp, harness.Nginx() as nginx:
            config = Path(tmp) / "c.json"
            config.write_text(json.dumps(CONFIG))
            reports = Path(tmp) / "reports"
            web = harness.AccurateWeb(ACCURATE, ["--plugins", "http", "-f", config, "-H", nginx.url,
                                                 "--reports-dir", reports]).start()
            try:
                started = ctl(web.port, "start", "-u", 3, "-r", 30, "-t", "10m")
                self.assertEqual(started.returncode, 0, started.stderr)
                self.assertEqual(ctl(web.port, "wait", "running", "--timeout", 20).returncode, 0)
                time.sleep(1)
                begin = time.monotonic()
                code = web.stop(timeout=15)
                self.assertLess(time.monotonic() - begin, 10)
                self.assertIn(code, (0, 1), web.output()[-2000:])
                report = harness.load_report(harness.single_report_dir(reports))
                self.assertGreater(report["total"]["num_requests"], 0)
                self.assertEqual(harness.leftovers(reports), [])
            finally:
                web.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
