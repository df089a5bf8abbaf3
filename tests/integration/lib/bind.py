"""A private BIND 9 (Debian bind9) for integration tests: /usr/sbin/named in the foreground on a free 127.0.0.1
port (UDP and TCP), everything in a temporary directory, one primary zone that 127.0.0.1 may change with nsupdate
(dynamic updates, no TSIG), DNSSEC validation off, no rndc channel, no recursion.

    with Bind("prop.test.") as ns:
        ns.nsupdate(["update add www.prop.test. 60 A 192.0.2.7"])
        ns.serial()  # the zone's SOA serial as named serves it

Every wait is bounded; named is stopped by its pid (SIGTERM, then SIGKILL).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import harness

NAMED = os.environ.get("NAMED_BIN", "/usr/sbin/named")
NSUPDATE = os.environ.get("NSUPDATE_BIN", "/usr/bin/nsupdate")


def available() -> bool:
    return os.access(NAMED, os.X_OK) and os.access(NSUPDATE, os.X_OK)


def free_udp_tcp_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (bounded number of tries)."""
    for _ in range(50):
        port = harness.free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port for TCP and UDP")


def soa_query(name: str, qid: int = 0x4242) -> bytes:
    """A DNS query for name SOA (class IN, no recursion)."""
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    return qid.to_bytes(2, "big") + b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" + wire + b"\x00\x06\x00\x01"


class Bind:
    """named serving `zone` (absolute, trailing dot) as a primary on 127.0.0.1:port with an initial SOA serial 1,
    NS ns1.<zone> and an A record for ns1."""

    def __init__(self, zone: str = "prop.test."):
        self.zone = zone if zone.endswith(".") else zone + "."
        self.port = 0
        self.dir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.log: Path | None = None

    def _write_config(self) -> None:
        d = self.dir
        zone_file = d / "zone.db"
        zone_file.write_text(
            f"$TTL 60\n"
            f"@ IN SOA ns1.{self.zone} admin.{self.zone} 1 3600 600 86400 60\n"
            f"@ IN NS ns1.{self.zone}\n"
            f"ns1 IN A 127.0.0.1\n")
        (d / "named.conf").write_text(f"""
options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    session-keyfile "{d}/session.key";
    managed-keys-directory "{d}";
    listen-on port {self.port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify no;
    allow-query {{ any; }};
}};
controls {{ }};
zone "{self.zone.rstrip('.')}" {{
    type primary;
    file "{zone_file}";
    allow-update {{ 127.0.0.1; }};
}};
""")

    def start(self, timeout: float = 10.0) -> "Bind":
        self.dir = Path(tempfile.mkdtemp(prefix="accurate-bind-"))
        os.chmod(self.dir, 0o777)  # named may drop to its own user when started as root with -u; harmless otherwise
        self.port = free_udp_tcp_port()
        self._write_config()
        self.log = self.dir / "named.log"
        with open(self.log, "w") as log:
            # -g: foreground, logs to stderr; -c: our config; -n 1: one worker thread; -4: IPv4 only.
            self.proc = subprocess.Popen([NAMED, "-g", "-4", "-n", "1", "-c", str(self.dir / "named.conf")],
                                         preexec_fn=harness.die_with_parent, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)
        if not harness.wait_until(lambda: self.proc.poll() is not None or self.serial() is not None, timeout, 0.1):
            self.stop()
            raise RuntimeError(f"named did not answer on 127.0.0.1:{self.port} within {timeout} s:\n{self.log_text()}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"named exited with {self.proc.returncode}:\n{self.log_text()}")
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log and self.log.exists() else ""

    def serial(self, timeout: float = 0.5) -> int | None:
        """The zone's SOA serial as named answers it over UDP, or None (no answer, or no SOA in the answer)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            try:
                s.sendto(soa_query(self.zone), ("127.0.0.1", self.port))
                data, _ = s.recvfrom(4096)
            except OSError:
                return None
        ancount = int.from_bytes(data[6:8], "big")
        if len(data) < 12 or data[3] & 0x0F != 0 or ancount == 0:
            return None
        # The SOA rdata ends with serial, refresh, retry, expire, minimum (5 x 4 bytes), and the answer is the
        # last record (no authority/additional for a SOA query of the apex... unless named adds NS, so find it).
        # Parse properly: skip the question, then read the first answer's rdata.
        pos = 12
        while data[pos] != 0:
            pos += 1 + data[pos]
        pos += 5  # root label, qtype, qclass
        if data[pos] & 0xC0 == 0xC0:
            pos += 2
        else:
            while data[pos] != 0:
                pos += 1 + data[pos]
            pos += 1
        rdlength = int.from_bytes(data[pos + 8:pos + 10], "big")
        rdata_end = pos + 10 + rdlength
        return int.from_bytes(data[rdata_end - 20:rdata_end - 16], "big")

    def nsupdate(self, commands: list[str], timeout: float = 10.0) -> None:
        """Applies `commands` (nsupdate syntax, e.g. "update add www.prop.test. 60 A 192.0.2.7") in one update."""
        script = f"server 127.0.0.1 {self.port}\nzone {self.zone}\n" + "\n".join(commands) + "\nsend\n"
        result = subprocess.run([NSUPDATE, "-p", str(self.port)], input=script, text=True, capture_output=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"nsupdate failed ({result.returncode}): {result.stderr.strip()}\n{script}")

    def stop(self) -> None:
        if self.proc is not None:
            harness.stop_process(self.proc)
            self.proc = None

    def cleanup(self) -> None:
        self.stop()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> "Bind":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()
