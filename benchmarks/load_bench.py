"""Load benchmark for ``khulasa serve`` (not a test): a bounded async client on loopback.

Starts ``khulasa serve`` in a subprocess (or uses ``--url`` of a running one), then sends ``--requests``
POST /v1/summarize requests with at most ``--concurrency`` in flight, each the example cluster
(``examples/putin-erdogan``, read from the repository, not from ``../shared/data``).  Reports
requests/s, latency percentiles and errors (any non-200 answer or transport failure) as a Markdown
table row plus the details, for ``benchmarks/RESULTS-serve.md``.  ``--endpoint healthz`` sends
``GET /healthz`` instead: the cost of the service itself (HTTP parsing, the connection guards, the
middleware) without the summarizer's.

    python benchmarks/load_bench.py --workers 2 --requests 2000 --concurrency 32
    python benchmarks/load_bench.py --workers 2 --requests 5000 --concurrency 32 --endpoint healthz
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "putin-erdogan"


def example_request(words: int) -> dict[str, object]:
    metadata = json.loads((EXAMPLE / "metadata.json").read_text(encoding="utf-8"))
    articles = [
        {"id": p.stem, "text": p.read_text(encoding="utf-8"), "date": metadata[p.stem]["date"]}
        for p in sorted(EXAMPLE.glob("*.txt"))
    ]
    return {"articles": articles, "options": {"words": words}}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of the sorted values."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def run_load(url: str, body: bytes | None, n_requests: int, concurrency: int,
                   timeout: float) -> dict[str, object]:
    """POST ``body`` to /v1/summarize, or GET /healthz when ``body`` is None."""
    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n_requests):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    if body is None:
                        response = await client.get(url + "/healthz")
                    else:
                        response = await client.post(url + "/v1/summarize", content=body, headers=headers)
                    await response.aread()
                    if response.status_code != 200:
                        code = response.json().get("error", {}).get("code", "?")
                        errors[f"{response.status_code} {code}"] += 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": n_requests,
        "concurrency": concurrency,
        "elapsed_s": round(elapsed, 2),
        "rps": round(n_requests / elapsed, 2),
        "p50_ms": round(1000 * percentile(latencies, 50)),
        "p90_ms": round(1000 * percentile(latencies, 90)),
        "p99_ms": round(1000 * percentile(latencies, 99)),
        "max_ms": round(1000 * max(latencies)),
        "mean_ms": round(1000 * statistics.fmean(latencies)),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workers: int, timeout_seconds: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "khulasa", "serve", "--port", str(port), "--workers", str(workers),
         "--timeout-seconds", str(timeout_seconds)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("khulasa serve did not start")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="benchmark a running server instead of starting one")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--words", type=int, default=120, help="summary budget of each request")
    parser.add_argument("--endpoint", choices=["summarize", "healthz"], default="summarize",
                        help="POST /v1/summarize (default) or GET /healthz (the service without the summarizer)")
    parser.add_argument("--warmup", type=int, default=20, help="requests sent first and not counted")
    parser.add_argument("--server-timeout", type=float, default=120.0,
                        help="the server's --timeout-seconds (high, so slowness shows as latency, not 503)")
    args = parser.parse_args()

    body = (json.dumps(example_request(args.words), ensure_ascii=False).encode("utf-8")
            if args.endpoint == "summarize" else None)
    process = None
    url = args.url
    if url is None:
        process, url = start_server(args.workers, args.server_timeout)
    try:
        load_before = os.getloadavg()
        asyncio.run(run_load(url, body, args.warmup, min(args.warmup, args.concurrency), 300))
        result = asyncio.run(run_load(url, body, args.requests, args.concurrency, 300))
        load_after = os.getloadavg()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}; machine: {machine}")
    print(f"load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f}")
    what = f"body: {len(body)} bytes; budget: {args.words} words" if body is not None else "GET /healthz"
    print(f"workers: {args.workers if args.url is None else 'external'}; {what}")
    print(json.dumps(result, ensure_ascii=False))
    print("| workers | requests | concurrency | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |")
    print(f"| {args.workers} | {result['requests']} | {result['concurrency']} | {result['rps']} | "
          f"{result['p50_ms']} | {result['p90_ms']} | {result['p99_ms']} | {result['max_ms']} | "
          f"{result['errors']} |")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
