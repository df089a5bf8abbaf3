#!/usr/bin/python3
"""Misbehaving HTTP targets for accurate's integration tests, one 127.0.0.1 port per mode.

Modes:
  refuse          a port that is bound but never listens: every connect gets "connection refused"
  reset           accepts, reads the request, then closes with SO_LINGER 0 (the peer sees a TCP RST)
  stall           accepts, reads the request, never answers (holds the connection until the peer closes it)
  garbage         accepts, reads the request, answers with bytes that are not HTTP
  close_mid_body  accepts, reads the request, sends headers announcing 1000 body bytes, 100 of them, then closes

On start it prints one JSON line on stdout, {"refuse": PORT, "reset": PORT, ...}, and then serves until SIGTERM,
SIGINT, or --lifetime seconds have passed (bounded: default 300). On exit it prints the accepted-connection count
per mode as one JSON line on stderr.
"""

import argparse
import asyncio
import json
import signal
import socket
import sys

MODES = ("refuse", "reset", "stall", "garbage", "close_mid_body")
MAX_REQUEST_BYTES = 64 * 1024
GARBAGE = b"\x16\x03\x01\x00\x05garbage: this is not an HTTP response\r\n\r\n\x00\xff\xfe"
PARTIAL_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                b"Connection: keep-alive\r\n\r\n")
PARTIAL_BODY = b"{" + b"x" * 99


class BadServer:
    def __init__(self, hold_seconds: float):
        self.hold_seconds = hold_seconds  # longest time a stalled/garbage connection is kept open
        self.accepted = {mode: 0 for mode in MODES if mode != "refuse"}

    async def read_request(self, reader: asyncio.StreamReader) -> bool:
        """Reads one request head; False when the peer closed or sent too much."""
        try:
            await reader.readuntil(b"\r\n\r\n")
            return True
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return False

    async def wait_peer_close(self, reader: asyncio.StreamReader) -> None:
        """Waits (bounded by hold_seconds) until the peer closes, discarding what it sends."""
        try:
            async with asyncio.timeout(self.hold_seconds):
                while await reader.read(4096):
                    pass
        except (TimeoutError, ConnectionError):
            pass

    def handler(self, mode: str):
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.accepted[mode] += 1
            try:
                if not await self.read_request(reader):
                    return
                if mode == "reset":
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    writer.transport.abort()
                    return
                if mode == "stall":
                    await self.wait_peer_close(reader)
                elif mode == "garbage":
                    writer.write(GARBAGE)
                    await writer.drain()
                    await self.wait_peer_close(reader)
                elif mode == "close_mid_body":
                    writer.write(PARTIAL_HEAD + PARTIAL_BODY)
                    await writer.drain()
            except ConnectionError:
                pass
            finally:
                if not writer.transport.is_closing():
                    writer.close()
        return handle


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, default=300.0, help="exit after this many seconds")
    parser.add_argument("--hold", type=float, default=30.0, help="longest time a connection is held open")
    args = parser.parse_args()

    server = BadServer(args.hold)
    ports = {}
    # "refuse": bound (so no one else takes the port) but not listening, so connects are refused.
    refuse_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refuse_sock.bind(("127.0.0.1", 0))
    ports["refuse"] = refuse_sock.getsockname()[1]
    servers = []
    for mode in MODES[1:]:
        srv = await asyncio.start_server(server.handler(mode), "127.0.0.1", 0, limit=MAX_REQUEST_BYTES,
                                         backlog=1024)
        servers.append(srv)
        ports[mode] = srv.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(json.dumps(ports), flush=True)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
    except TimeoutError:
        pass
    for srv in servers:
        srv.close()
    refuse_sock.close()
    print(json.dumps({"accepted": server.accepted}), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
