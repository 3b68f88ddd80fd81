#!/usr/bin/env python3
"""Bad clients for bench/faults.sh, against 127.0.0.1 only, for a bounded time.

  attackers.py signin PORT SECONDS   wrong passwords from 20 threads (sign-in burst)
  attackers.py slow PORT SECONDS N   N connections that send a POST head and a few body bytes
"""
import socket
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
# The attackers come from other loopback addresses than the readers (wrk, on 127.0.0.1), as they
# would from other machines: the server limits connections per address.
SIGNIN_FROM = "127.0.0.3"
SLOW_FROM = "127.0.0.2"


def signin(port: int, seconds: float) -> None:
    deadline = time.time() + seconds
    counts = {"answered": 0, "errors": 0}

    def one_thread(n: int) -> None:
        while time.time() < deadline:
            body = urllib.parse.urlencode(
                {"email": f"editor{n}@example.test", "password": "wrong", "login_csrf": "x"}
            ).encode()
            try:
                with socket.create_connection((HOST, port), timeout=10, source_address=(SIGNIN_FROM, 0)) as s:
                    s.sendall(
                        b"POST /newsroom/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                    if s.recv(64).startswith(b"HTTP/1.1 "):
                        counts["answered"] += 1
                    else:
                        counts["errors"] += 1
            except OSError:
                counts["errors"] += 1

    threads = [threading.Thread(target=one_thread, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"sign-in burst: {counts['answered']} answered, {counts['errors']} failed to connect")


def slow(port: int, seconds: float, count: int) -> None:
    sockets = []
    refused = 0
    for _ in range(count):
        try:
            s = socket.create_connection((HOST, port), timeout=5, source_address=(SLOW_FROM, 0))
            s.sendall(
                b"POST /newsroom/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=a"
            )
            sockets.append(s)
        except OSError:
            refused += 1
    time.sleep(seconds)
    answered_408 = 0
    for s in sockets:
        try:
            s.settimeout(0.2)
            if s.recv(200)[9:12] in (b"408", b"503"):
                answered_408 += 1
        except OSError:
            pass
        s.close()
    print(f"slow clients: {len(sockets)} opened, {refused} refused, {answered_408} answered 408/503 by the end")


if __name__ == "__main__":
    kind, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if kind == "signin":
        signin(port, seconds)
    else:
        slow(port, seconds, int(sys.argv[4]))
