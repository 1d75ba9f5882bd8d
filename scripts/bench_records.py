#!/usr/bin/env python3
"""Records performance table (issue 25): argilla-mock's 2.x records against their targets.

usage: scripts/bench_records.py [--smoke] [--records N] [--database URL] [--with-real] [--sdk]
  --smoke      1,000 records and a few queries: keeps the script working (CI); not judged
  --records N  records loaded before the searches (default 100,000)
  --database URL  the mock's --database (default its own: sqlite::memory:; `sqlite:` is a
               private temporary file, which keeps only SQLite's page cache in memory)
  --with-real  also run ../shared/real-server-2.8.0/bulk_upsert_bench.py against the real
               argilla-server 2.8.0 (../shared/oracle/start-real-argilla-2.sh, port 6951) for the
               bulk row
  --sdk        also log 10,000 records through the real 2.8.0 SDK (.venvs/argilla2-2.8.0)

The records are those of bulk_upsert_bench.py (the contract's load): three text fields, three
metadata values and one 384-dimension vector each, written with PUT /records/bulk in batches of 500.
Server-side times are the mock's own (its request journal, GET /__mock/requests); the searches are
also timed by the client. Run on loopback only. Prints one markdown table row per figure.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOCK = os.path.join(ROOT, "target", "release", "argilla-mock")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
KEY = "argilla.apikey"
WORDS = ["alpha", "beta", "gamma", "delta", "omega"]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"X-Argilla-Api-Key": KEY, "Content-Type": "application/json"}
        request = urllib.request.Request(self.base + path, method=method, headers=headers, data=data)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")


def start_mock(database):
    process = subprocess.Popen(
        [MOCK, "--port", "0", "--argilla-version", "2.8.0", "--fixtures", os.path.join(ROOT, "fixtures", "fresh-2.8.json")]
        + (["--database", database] if database else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("ARGILLA_API_URL="):
            return process, line.strip().split("=", 1)[1]
    raise SystemExit("the mock did not start")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def dataset(api, name):
    workspace = api.call("GET", "/api/v1/me/workspaces")["items"][0]["id"]
    ds = api.call("POST", "/api/v1/datasets", {"name": name, "workspace_id": workspace})["id"]
    for field in ("title", "body", "notes"):
        api.call("POST", f"/api/v1/datasets/{ds}/fields",
                 {"name": field, "title": field, "required": False, "settings": {"type": "text"}})
    api.call("POST", f"/api/v1/datasets/{ds}/questions",
             {"name": "label", "title": "label", "required": True,
              "settings": {"type": "label_selection", "options": [{"value": "a", "text": "a"}, {"value": "b", "text": "b"}]}})
    for name, kind in (("src", "terms"), ("n", "integer"), ("x", "float")):
        api.call("POST", f"/api/v1/datasets/{ds}/metadata-properties",
                 {"name": name, "title": name, "settings": {"type": kind}})
    api.call("POST", f"/api/v1/datasets/{ds}/vectors-settings", {"name": "emb", "title": "emb", "dimensions": 384})
    api.call("PUT", f"/api/v1/datasets/{ds}/publish")
    return ds


def batch(rnd, i, size=500):
    return {"items": [{
        "fields": {"title": f"title {i}-{j}", "body": " ".join(rnd.choice(WORDS) for _ in range(30)), "notes": "n"},
        "metadata": {"src": rnd.choice(["a", "b", "c"]), "n": j, "x": rnd.random()},
        "vectors": {"emb": [rnd.random() for _ in range(384)]},
    } for j in range(size)]}


def journal(api, since):
    """The journal's entries after sequence number `since`."""
    return api.call("GET", f"/__mock/requests?since={since}")["requests"]


def last_seq(api):
    """The journal's last sequence number (it is emptied to start each phase afresh)."""
    entries = api.call("GET", "/__mock/requests")["requests"]
    api.call("DELETE", "/__mock/requests")
    return max((e["seq"] for e in entries), default=0)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed_searches(api, ds, bodies, query=""):
    since = last_seq(api)
    client = []
    for body in bodies:
        t = time.perf_counter()
        api.call("POST", f"/api/v1/datasets/{ds}/records/search{query}", body)
        client.append((time.perf_counter() - t) * 1000)
    server = [e["duration_ms"] for e in journal(api, since) if e["path"].endswith("/records/search")]
    return percentile(server, 99), percentile(client, 99), percentile(server, 50)


def row(figure, mock, target, met):
    print(f"| {figure} | {mock} | {target} | {'yes' if met else '**no**'} |", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database")
    parser.add_argument("--with-real", action="store_true")
    parser.add_argument("--sdk", action="store_true")
    args = parser.parse_args()
    records = 1_000 if args.smoke else args.records
    queries = 10 if args.smoke else 200
    batches = max(1, records // 500)

    process, url = start_mock(args.database)
    try:
        api = Api(url)
        rss_idle = rss_mb(process.pid)
        ds = dataset(api, "bench")
        rnd = random.Random(1)
        since = last_seq(api)
        wall = time.perf_counter()
        for i in range(batches):
            api.call("PUT", f"/api/v1/datasets/{ds}/records/bulk", batch(rnd, i))
        wall = time.perf_counter() - wall
        writes = [e["duration_ms"] for e in journal(api, since) if e["path"].endswith("/records/bulk")]
        loaded = 500 * batches
        server_rate = loaded / (sum(writes) / 1000)
        print(f"{loaded} records loaded in {wall:.1f} s by one Python client; server-side "
              f"{sum(writes) / 1000:.1f} s (median {percentile(writes, 50):.0f} ms per batch of 500)", file=sys.stderr)
        print("| figure | mock | target | met |")
        print("|---|---|---|---|")
        row("bulk upsert, server-side records/s (batches of 500, 384-d vectors)", f"{server_rate:,.0f}", "≥ 20,000", server_rate >= 20_000)
        rss = rss_mb(process.pid)
        row(f"RSS with {loaded:,} records (idle: {rss_idle:.0f} MB)", f"{rss:.0f} MB", "≤ 400 MB", rss <= 400)

        qr = random.Random(2)
        filtered = [{"filters": {"and": [
            {"type": "terms", "scope": {"entity": "metadata", "metadata_property": "src"}, "values": [qr.choice("abc")]},
            {"type": "range", "scope": {"entity": "metadata", "metadata_property": "n"}, "ge": (lo := qr.randrange(400)), "le": lo + 50},
        ]}} for _ in range(queries)]
        p99, client99, p50 = timed_searches(api, ds, filtered, "?limit=50")
        row(f"filtered search p99 over {loaded:,} (metadata terms + range, 50 hits; client p99 {client99:.1f} ms)",
            f"{p99:.1f} ms (p50 {p50:.1f})", "≤ 25 ms", p99 <= 25)
        text = [{"query": {"text": {"q": f"{qr.randrange(batches)}-{qr.randrange(500)}"}}} for _ in range(queries)]
        p99, client99, p50 = timed_searches(api, ds, text, "?limit=50")
        row(f"full-text search p99 over {loaded:,} (a title's words; client p99 {client99:.1f} ms)",
            f"{p99:.1f} ms (p50 {p50:.1f})", "≤ 25 ms", p99 <= 25)
        broad = [{"query": {"text": {"q": qr.choice(WORDS)}}} for _ in range(max(3, queries // 20))]
        p99, client99, p50 = timed_searches(api, ds, broad, "?limit=50")
        row(f"full-text search p99, a word in every record (ranks all {loaded:,})", f"{p99:.1f} ms (p50 {p50:.1f})", "(none)", True)
        similar = [{"query": {"vector": {"name": "emb", "value": [qr.random() for _ in range(384)]}}}
                   for _ in range(max(3, queries // 10))]
        p99, client99, p50 = timed_searches(api, ds, similar, "?limit=50")
        row(f"similarity search p99 over {loaded:,} × 384 (k = 50; client p99 {client99:.1f} ms)",
            f"{p99:.1f} ms (p50 {p50:.1f})", "≤ 100 ms", p99 <= 100)
        if args.sdk:
            sdk_row(url, api)
    finally:
        process.terminate()
        process.wait()
    if args.with_real:
        real_row(batches)


SDK_LOG = r"""
import random, sys, time
import argilla as rg
client = rg.Argilla(api_url=sys.argv[1], api_key="argilla.apikey")
settings = rg.Settings(fields=[rg.TextField(name=f) for f in ("title", "body", "notes")],
                       questions=[rg.LabelQuestion(name="label", labels=["a", "b"])],
                       metadata=[rg.TermsMetadataProperty(name="src"), rg.IntegerMetadataProperty(name="n"),
                                 rg.FloatMetadataProperty(name="x")],
                       vectors=[rg.VectorField(name="emb", dimensions=384)])
ds = rg.Dataset(name="sdk-bench", settings=settings, client=client).create()
rnd = random.Random(3)
records = [{"title": f"t {i}", "body": " ".join(rnd.choice(["alpha", "beta", "gamma"]) for _ in range(30)), "notes": "n",
            "src": rnd.choice("abc"), "n": i, "x": rnd.random(), "emb": [rnd.random() for _ in range(384)]}
           for i in range(10_000)]
t = time.perf_counter()
ds.records.log(records)
print(time.perf_counter() - t)
"""


def sdk_row(url, api):
    python = os.path.join(ROOT, ".venvs", "argilla2-2.8.0", "bin", "python")
    since = last_seq(api)
    out = subprocess.run([python, "-c", SDK_LOG, url], capture_output=True, text=True, check=True)
    wall = float(out.stdout.strip().splitlines()[-1])
    waited = sum(e["duration_ms"] for e in journal(api, since) if e["path"].endswith("/records/bulk")) / 1000
    share = 100 * waited / wall
    row("`dataset.records.log` of 10,000 records (SDK 2.8.0): share of its wall time the mock spends on it",
        f"{share:.1f} % ({waited:.1f} s of {wall:.1f} s)", "≤ 10 %", share <= 10)


def real_row(batches):
    oracle = os.path.join(SHARED, "oracle")
    port = "6951"
    subprocess.run(["bash", os.path.join(oracle, "start-real-argilla-2.sh"), port], check=True, capture_output=True)
    try:
        n = str(min(batches, 10))
        out = subprocess.run([sys.executable, os.path.join(SHARED, "real-server-2.8.0", "bulk_upsert_bench.py"),
                              f"http://127.0.0.1:{port}", n], capture_output=True, text=True, check=True)
        print(f"| real argilla-server 2.8.0 (stub search engine), bulk_upsert_bench.py | {out.stdout.strip()} | | |")
    finally:
        subprocess.run(["bash", os.path.join(oracle, "stop-real-argilla.sh"), port], capture_output=True)


if __name__ == "__main__":
    main()
