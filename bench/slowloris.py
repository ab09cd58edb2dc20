"""Does a server still answer while slow clients hold connections half-sent? Loopback only.

    .venv/bin/python bench/slowloris.py --port 8000 [--sockets 6] [--hold 20]

Opens ``--sockets`` connections to 127.0.0.1 that each send the start of a request and
then one more header line every few seconds (never finishing it), then times a normal
request every two seconds while they are held; prints each answer's status and time and
closes everything after ``--hold`` seconds. It stops by itself.
"""

from __future__ import annotations

import argparse
import socket
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"


def open_slow(port: int, n: int) -> list[socket.socket]:
    sockets = []
    for i in range(n):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(f"GET /search/?q=slow{i} HTTP/1.1\r\nHost: localhost\r\n".encode())
        sockets.append(s)
    return sockets


def trickle(sockets: list[socket.socket]) -> int:
    """One more header line on each socket; returns how many the server still holds open."""
    alive = 0
    for s in sockets:
        try:
            s.sendall(b"X-Slow: 1\r\n")
            alive += 1
        except OSError:
            pass
    return alive


def probe(port: int, path: str = "/search/?q=treaty", timeout: float = 10.0) -> tuple[str, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as r:  # noqa: S310
            status = str(r.status)
    except urllib.error.HTTPError as error:
        status = str(error.code)
    except OSError as error:
        status = type(error).__name__
    return status, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sockets", type=int, default=6)
    parser.add_argument("--hold", type=float, default=20.0, help="seconds (at most 120)")
    args = parser.parse_args()
    hold = min(args.hold, 120.0)
    sockets = open_slow(args.port, args.sockets)
    print(f"{len(sockets)} slow connections open")
    end = time.monotonic() + hold
    answered = 0
    tries = 0
    try:
        while time.monotonic() < end:
            alive = trickle(sockets)
            status, took = probe(args.port)
            tries += 1
            answered += status == "200"
            print(f"  probe: {status} in {took:.2f} s ({alive} slow connections still open)")
            time.sleep(2)
    finally:
        for s in sockets:
            s.close()
    print(f"{answered}/{tries} normal requests answered 200 while held")


if __name__ == "__main__":
    main()
