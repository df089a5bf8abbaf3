#!/usr/bin/python3
"""Checks the integration harness itself (nginx and the bad targets) with plain sockets, without accurate.

Usage: test_harness.py [unittest args]
"""

import http.client
import socket
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import harness  # noqa: E402


def raw_request(port: int, timeout: float = 2.0) -> bytes:
    """Sends GET / and returns what the server sent until it closed or timeout passed."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


class NginxHarness(unittest.TestCase):
    def test_ServesJsonAndLogsEveryRequestOnce(self):
        with harness.Nginx() as nginx:
            conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=5)
            for _ in range(25):
                conn.request("GET", "/")
                r = conn.getresponse()
                body = r.read()
                self.assertEqual(r.status, 200)
                self.assertEqual(r.getheader("Content-Type"), "application/json")
                self.assertGreater(len(body), 550)
            conn.request("GET", "/status/404")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 404)
            conn.close()
            nginx.stop()
            lines = nginx.access_log_lines()
            self.assertEqual(len(lines), 26)
            self.assertEqual(sum(1 for line in lines if ' 404 GET "/status/404" ' in line), 1)

    def test_SlowRouteTakesAboutOneSecond(self):
        with harness.Nginx() as nginx:
            conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=5)
            start = time.monotonic()
            conn.request("GET", "/slow")
            r = conn.getresponse()
            body = r.read()
            elapsed = time.monotonic() - start
            conn.close()
            self.assertEqual(len(body), 2048)
            self.assertGreater(elapsed, 0.7)
            self.assertLess(elapsed, 4.0)

    def test_StopsWithinBoundedTimeAndRemovesPrefix(self):
        nginx = harness.Nginx().start()
        prefix = nginx.prefix
        start = time.monotonic()
        nginx.cleanup()
        self.assertLess(time.monotonic() - start, 10)
        self.assertFalse(prefix.exists())


class BadTargetHarness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.targets = harness.BadTargets(lifetime=60, hold=5).start()

    @classmethod
    def tearDownClass(cls):
        cls.targets.stop()

    def test_RefusePortRefusesConnections(self):
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.targets.ports["refuse"]), timeout=2).close()

    def test_ResetPortSendsReset(self):
        with self.assertRaises(ConnectionResetError):
            raw_request(self.targets.ports["reset"])

    def test_StallPortNeverAnswers(self):
        start = time.monotonic()
        with self.assertRaises(socket.timeout):
            raw_request(self.targets.ports["stall"], timeout=0.5)
        self.assertGreaterEqual(time.monotonic() - start, 0.45)

    def test_GarbagePortAnswersWithNonHttpBytes(self):
        with socket.create_connection(("127.0.0.1", self.targets.ports["garbage"]), timeout=2) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = s.recv(4096)
        self.assertTrue(data)
        self.assertFalse(data.startswith(b"HTTP/"))

    def test_CloseMidBodyPortSendsPartialBody(self):
        data = raw_request(self.targets.ports["close_mid_body"])
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Length: 1000", head)
        self.assertEqual(len(body), 100)
        conn = http.client.HTTPConnection("127.0.0.1", self.targets.ports["close_mid_body"], timeout=2)
        conn.request("GET", "/")
        with self.assertRaises(http.client.IncompleteRead):
            conn.getresponse().read()
        conn.close()

    def test_PortsAreDistinctAndLocal(self):
        self.assertEqual(set(self.targets.ports), {"refuse", "reset", "stall", "garbage", "close_mid_body"})
        self.assertEqual(len(set(self.targets.ports.values())), 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
