"""A hello-world WSGI app under `eventlet.wsgi.server` and under greenshift's server, loaded
with `wrk` on loopback in one run.

Run: python bench/wsgi_load.py [--seconds 5] [--connections 100] [--rounds 3]

Each server runs in its own process (eventlet never shares an interpreter with greenshift),
with request logging off; `wrk` (one thread, HTTP/1.1 keep-alive) loads them alternately,
round by round. Printed per server: requests/s and p99 latency (medians over the rounds),
and errors summed over the rounds (socket errors and non-2xx answers); then the ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

APP = """
def app(environ, start_response):
    body = b"Hello, world!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""

SERVERS = {
    "eventlet": APP
    + """
import warnings
warnings.simplefilter("ignore")
import eventlet
from eventlet import wsgi

sock = eventlet.listen(("127.0.0.1", 0), backlog=1024)
print(sock.getsockname()[1], flush=True)
wsgi.server(sock, app, log_output=False)
""",
    "greenshift": APP
    + """
from greenshift.runtime import run
from greenshift.runtime.net import listen, wsgi

def main():
    sock = listen(("127.0.0.1", 0), backlog=1024)
    print(sock.getsockname()[1], flush=True)
    wsgi.server(sock, app, log_output=False)

run(main)
""",
}

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unexpected latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """requests/s, p99 latency (ms) and error count from wrk's --latency report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return {"rps": rps, "p99": p99, "errors": errors}


def measure(name: str, args: argparse.Namespace) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVERS[name]], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return parse_wrk(out.stdout)
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=5, help="length of one wrk run, in seconds (5)"
    )
    parser.add_argument("--connections", type=int, default=100, help="wrk connections (100)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per server, interleaved; the median is kept (3)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in SERVERS}
    for _ in range(args.rounds):
        for name in SERVERS:
            runs[name].append(measure(name, args))
    print(f"wsgi hello world: wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds")
    summary = {}
    for name, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        p99 = statistics.median(r["p99"] for r in results)
        errors = int(sum(r["errors"] for r in results))
        summary[name] = rps
        rounds = ", ".join(f"{r['rps']:,.0f}" for r in results)
        print(
            f"  {name:<10} {rps:>9,.0f} req/s  p99 {p99:7.2f} ms  errors {errors}  (rounds: {rounds})"
        )
    print(f"  greenshift / eventlet: {summary['greenshift'] / summary['eventlet']:.2f}x req/s")


if __name__ == "__main__":
    main()
