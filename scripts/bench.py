#!/usr/bin/env python3
"""Performance figures of argilla-mock against its targets, as ratios measured side by side.

usage: bench.py [--smoke] [--with-real] [--runs N]
Run through scripts/bench.sh, which builds the release binaries first. Needs `wrk` for the
throughput and latency rows (Debian package `wrk`); without it those rows say so. Loopback only.

Each throughput figure is the median of N alternating runs (mock, baseline, mock, baseline, ...)
so that both see the same machine noise; the baseline is a bare axum route returning a fixed
user JSON (mock-server/examples/baseline.rs).
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOCK = os.path.join(ROOT, "target/release/argilla-mock")
BASELINE = os.path.join(ROOT, "target/release/examples/baseline")
CONTRACT = os.path.join(ROOT, "target/release/argilla-contract")
RUST_ADAPTER = os.path.join(ROOT, "target/release/argilla-contract-rust-adapter")
KEY = "argilla.apikey"
# One bcrypt hash (cost 4, of "12345678") shared by generated users: hashing 100k passwords at
# start-up would measure bcrypt, not the server.
HASH = "$2b$04$XaYBCovEz3hf10zWLTkJNe6tifKvwXn50CV5gosb6hYuJEvqjVwWa"

SMOKE = "--smoke" in sys.argv
RUNS = 1 if SMOKE else int(next((a.split("=")[1] for a in sys.argv if a.startswith("--runs=")), "3"))
DURATION = "1s" if SMOKE else "5s"
rows = []


def row(figure, mock, other, ratio, target, met):
    rows.append((figure, mock, other, ratio, target, "yes" if met else ("n/a" if met is None else "NO")))


def start(binary, *args):
    proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("ARGILLA_API_URL="):
        proc.kill()
        raise SystemExit(f"{binary} did not start: {line!r}")
    return proc, line.split("=", 1)[1]


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


def get(url, path, key=None):
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", path, headers={"X-Argilla-Api-Key": key} if key else {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def post(url, path):
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def wrk(url, path, connections=32, latency=False):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "-H", f"X-Argilla-Api-Key: {KEY}", url + path]
    if latency:
        cmd.insert(1, "--latency")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = None
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    if m:
        p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses on {url}{path}:\n{out}")
    return rps, p99


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return kb / 1024


def fixtures_with(n):
    users = [{"id": "00000000-0000-4000-8000-000000000001", "username": "argilla", "role": "owner",
              "api_key": KEY, "password": "1234", "workspaces": ["argilla"], "inserted_at": "2024-01-01T00:00:00"}]
    for i in range(1, n):
        users.append({"username": f"user-{i}", "first_name": "User", "last_name": str(i), "api_key": f"key-{i}",
                      "password_hash": HASH, "workspaces": ["argilla"], "inserted_at": "2024-01-01T00:00:01"})
    path = os.path.join(tempfile.mkdtemp(), f"users-{n}.json")
    with open(path, "w") as f:
        json.dump({"workspaces": [{"name": "argilla"}], "users": users}, f)
    return path


def cold_start():
    times = []
    for _ in range(5 if SMOKE else 15):
        t0 = time.perf_counter()
        proc, url = start(MOCK, "--port", "0")
        status, _ = get(url, "/api/_info")
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200
        stop(proc)
    ms = statistics.median(times)
    row("cold start: exec -> first 200 /api/_info (median)", f"{ms:.1f} ms", "real: 6-7 s", "", "<= 20 ms", ms <= 20)


def throughput_me(have_wrk):
    if not have_wrk:
        row("GET /api/me throughput", "wrk not installed", "", "", ">= 75% of baseline", None)
        return None
    # The default profile (both generations), the journal on at its default size.
    mock, url = start(MOCK, "--port", "0", "--journal-size", "10000")
    base, base_url = start(BASELINE, "0")
    runs = {"/api/me": [], "/api/v1/me": [], "baseline": []}
    for _ in range(RUNS):
        runs["/api/me"].append(wrk(url, "/api/me")[0])
        runs["baseline"].append(wrk(base_url, "/api/me")[0])
        runs["/api/v1/me"].append(wrk(url, "/api/v1/me")[0])
    stop(mock)
    stop(base)
    b = statistics.median(runs["baseline"])
    for path in ("/api/me", "/api/v1/me"):
        m = statistics.median(runs[path])
        row(f"GET {path} req/s (wrk -t2 -c32, key lookup, journal on)", f"{m:,.0f}", f"baseline {b:,.0f}",
            f"{m / b:.0%}", ">= 75%", m / b >= 0.75)
    return statistics.median(runs["/api/me"])


def users_list(have_wrk):
    if not have_wrk:
        row("GET /api/users", "wrk not installed", "", "", "", None)
        return
    per_request = {"/api/users": {}, "/api/v1/users": {}}
    for n in (100, 1000) if SMOKE else (100, 1000, 10000):
        proc, url = start(MOCK, "--port", "0", "--fixtures", fixtures_with(n))
        for path, costs in per_request.items():
            rps, p99 = wrk(url, path, latency=True)
            costs[n] = 1000 / rps
            if n == 100:
                row(f"GET {path} p99, 100 users, 32 connections", f"{p99:.2f} ms", "", "", "<= 5 ms", p99 <= 5)
        stop(proc)
    for path, costs in per_request.items():
        ratio = costs[1000] / costs[100]
        row(f"GET {path} cost 1k users / 100 users", f"{ratio:.1f}x", "linear: 10x the users", "", "<= 12x", ratio <= 12)
        if 10000 in costs:
            ratio = costs[10000] / costs[1000]
            row(f"GET {path} cost 10k users / 1k users", f"{ratio:.1f}x", "linear: 10x the users", "", "<= 12x", ratio <= 12)


def control_plane():
    proc, url = start(MOCK, "--port", "0")
    resets = []
    for _ in range(50):
        status, body = post(url, "/__mock/reset")
        resets.append(json.loads(body)["elapsed_us"] / 1000)
    reset = statistics.median(resets)
    row("POST /__mock/reset, default fixtures (server-side, median)", f"{reset:.2f} ms", "moto: 5 s first", "", "<= 0.5 ms", reset <= 0.5)
    fresh, warm = [], []
    for i in range(30):
        t0 = time.perf_counter()
        get(url, f"/ns/bench-{i}/api/_info")
        fresh.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        get(url, f"/ns/bench-{i}/api/_info")
        warm.append(time.perf_counter() - t0)
    created = (statistics.median(fresh) - statistics.median(warm)) * 1000
    row("new namespace (first request minus a warm one, median)", f"{created:.2f} ms", "", "", "<= 1 ms", created <= 1)
    idle = rss_mb(proc.pid)
    stop(proc)
    row("RSS idle (default fixtures)", f"{idle:.1f} MB", "", "", "<= 20 MB", idle <= 20)
    if not SMOKE:
        proc, url = start(MOCK, "--port", "0", "--fixtures", fixtures_with(100_000))
        get(url, "/api/me", KEY)
        big = rss_mb(proc.pid)
        stop(proc)
        row("RSS with 100k users", f"{big:.1f} MB", "", "", "<= 100 MB", big <= 100)


def contract_suite():
    t0 = time.perf_counter()
    out = subprocess.run([CONTRACT, "--client", RUST_ADAPTER], capture_output=True, text=True, timeout=300)
    rust = time.perf_counter() - t0
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr
    row(f"contract suite, Rust adapter ({last})", f"{rust:.1f} s", "", "", "<= 5 s", rust <= 5)
    python = os.path.join(ROOT, ".venvs/argilla-1.29.1/bin/python")
    if os.path.exists(python) and not SMOKE:
        adapter = os.path.join(ROOT, "contract-tests/adapters/python-argilla/adapter.py")
        t0 = time.perf_counter()
        out = subprocess.run([CONTRACT, "--client", f"{python} {adapter}"], capture_output=True, text=True, timeout=600)
        py = time.perf_counter() - t0
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr
        row(f"contract suite, Python SDK 1.29.1 adapter ({last})", f"{py:.1f} s", "", "", "<= 60 s", py <= 60)


def real_server(mock_rps):
    oracle = os.environ.get("ARGILLA_ORACLE_SCRIPTS", os.path.join(ROOT, "../shared/oracle"))
    port = "6960"
    subprocess.run(["bash", f"{oracle}/start-real-argilla.sh", port], check=True, capture_output=True,
                   env={**os.environ, "ARGILLA_ORACLE_ACCESS_LOG": "0"})
    try:
        rps, _ = wrk(f"http://127.0.0.1:{port}", "/api/me")
    finally:
        subprocess.run(["bash", f"{oracle}/stop-real-argilla.sh", port], capture_output=True)
    row("GET /api/me req/s vs the real Argilla 1.14.1", f"{mock_rps:,.0f}", f"real {rps:,.0f}", f"{mock_rps / rps:.0f}x", "~200x", None)


def main():
    have_wrk = shutil.which("wrk") is not None
    cold_start()
    mock_rps = throughput_me(have_wrk)
    users_list(have_wrk)
    control_plane()
    contract_suite()
    if "--with-real" in sys.argv and mock_rps:
        real_server(mock_rps)
    widths = [max(len(str(r[i])) for r in rows + [("figure", "mock", "other", "ratio", "target", "met")]) for i in range(6)]
    header = ("figure", "mock", "baseline / real", "ratio", "target", "met")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"({'smoke run' if SMOKE else f'{RUNS} runs each'}; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
