#!/usr/bin/env python3
"""Compares two transcript folders case by case: the real server's recorded exchanges and the
same recorder's run against argilla-mock (capture_datasets.py / capture_records.py write them).

usage: transcript_parity.py RECORDED_DIR CAPTURED_DIR [--known FILE] [--label NAME] [--verbose]

Each case's status, content type and body are compared, bodies as JSON with their key order,
after blanking what differs between any two runs: generated ids (UUIDs, also upper-case or as 32
hex digits, except the recorders' fixed `...badc0de`), timestamps and API keys. A case whose
difference is expected (docs/differences.md explains it) is listed in the --known file: one case
name per line, `#` comments; a listed case that no longer differs fails the run, so the list
cannot go stale. Prints one line per unexpected difference and a summary:
"parity NAME: N equal / M compared; K known differences; U unexpected". Exit status 1 on any
unexpected difference.
"""

import argparse
import json
import os
import re
import sys

MISSING = "00000000-0000-0000-0000-00000badc0de"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?")


def blank_text(text):
    text = UUID.sub(lambda m: m.group(0) if m.group(0).lower() == MISSING else "<id>", text)
    text = HEX_ID.sub("<hex-id>", text)
    return TIMESTAMP.sub("<time>", text)


def blank(value, key=None):
    if isinstance(value, dict):
        return {k: blank(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v) for v in value]
    if isinstance(value, str):
        if key == "api_key":
            return "<key>"
        return blank_text(value)
    return value


def header(exchange, name):
    for k, v in exchange["response"]["headers"]:
        if k.lower() == name:
            return v
    return None


def load(folder):
    cases = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json") and name[:3].isdigit():
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                exchange = json.load(f)
            cases[exchange["case"]] = exchange
    return cases


def shown(exchange):
    response = exchange["response"]
    body = response.get("json")
    if body is None:
        body = blank_text(response.get("body") or "")
    else:
        body = blank(body)
    content_type = (header(exchange, "content-type") or "").split(";")[0]
    location = header(exchange, "location")
    if location:
        location = re.sub(r"^http://[^/]+", "http://<host>", blank_text(location))
    return {"status": response["status"], "content-type": content_type, "location": location, "body": body}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recorded")
    parser.add_argument("captured")
    parser.add_argument("--known")
    parser.add_argument("--label", default="transcripts")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    known = set()
    if args.known:
        with open(args.known, encoding="utf-8") as f:
            known = {line.split("#")[0].strip() for line in f} - {""}
    recorded, captured = load(args.recorded), load(args.captured)
    equal, unexpected, known_seen, stale = 0, [], [], []
    for case, real in recorded.items():
        mock = captured.get(case)
        expected, got = shown(real), (shown(mock) if mock else None)
        # Key order matters: compare the serialisations.
        same = got is not None and json.dumps(expected) == json.dumps(got)
        if same:
            equal += 1
            if case in known:
                stale.append(case)
        elif case in known:
            known_seen.append(case)
        else:
            unexpected.append((case, expected, got))
    for case, expected, got in unexpected:
        print(f"DIFF {case}")
        limit = None if args.verbose else 600
        print(f"  real: {json.dumps(expected, ensure_ascii=False)[:limit]}")
        print(f"  mock: {json.dumps(got, ensure_ascii=False)[:limit]}")
    for case in stale:
        print(f"STALE {case}: listed as a known difference, but equal now")
    print(
        f"parity {args.label}: {equal} equal / {len(recorded)} compared; "
        f"{len(known_seen)} known differences; {len(unexpected)} unexpected"
        + (f"; {len(stale)} stale known entries" if stale else "")
    )
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    sys.exit(main())
