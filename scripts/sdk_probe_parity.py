#!/usr/bin/env python3
"""Compares two runs of an SDK probe (sdk_datasets_probe.py, sdk_records_probe.py): the one recorded
against the real server and one against argilla-mock, step by step.

usage: sdk_probe_parity.py RECORDED.json CAPTURED.json [--known FILE] [--label NAME] [--verbose]

For each step: whether it succeeded, what it returned or raised (class, message, status), its
warnings, and its HTTP exchanges in order (method, path, status, response body), after blanking
ids, timestamps, API keys and object addresses. --known lists steps whose difference
docs/differences.md explains (one per line, `#` comments); a listed step that no longer differs
fails the run. Exit status 1 on any unexpected difference.
"""

import argparse
import json
import re
import sys

UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")
DATETIME = re.compile(r"datetime\.datetime\([0-9, ]+\)")
KEY = re.compile(r'"api_key": ?"[^"]*"')
PORT = re.compile(r"127\.0\.0\.1:\d+|localhost:\d+")
MISSING = "00000000-0000-0000-0000-00000badc0de"
# A recorder cuts long bodies, "...[N chars]" (records) or "...<N chars>" (datasets), maybe through
# an id or a timestamp: the last 40 characters before the cut are not compared.
CUT = re.compile(r"^(.*).{40}(\.\.\.(?:\[\d+ chars\]|<\d+ chars>))$", re.S)


def blank(text):
    if text is None:
        return None
    text = KEY.sub('"api_key":"<key>"', text)
    text = UUID.sub(lambda m: m.group(0) if m.group(0).lower() == MISSING else "<id>", text)
    text = TIMESTAMP.sub("<time>", text)
    text = DATETIME.sub("<datetime>", text)
    text = PORT.sub("<host>", text)
    text = ADDRESS.sub(" at <addr>", text)
    return CUT.sub(r"\1<cut>\2", text)


def body(text):
    try:
        return json.loads(blank(text))
    except (TypeError, ValueError):
        return blank(text)


def response_body(call):
    # The datasets probe keeps the body as text ("resp_body"), the records probe as JSON ("resp").
    if "resp_body" in call:
        return body(call["resp_body"])
    resp = call.get("resp")
    return body(resp if isinstance(resp, str) else json.dumps(resp))


def returned(value):
    # The recorders cut a repr at 200 characters, wherever the timestamps in it put the cut:
    # compare what any two runs have in common, the first 120 characters after blanking.
    if isinstance(value, dict) and isinstance(value.get("repr"), str) and len(value["repr"]) >= 190:
        return {**value, "repr": blank(value["repr"])[:120]}
    return value


def shown(step):
    return {
        "ok": step.get("ok"),
        "returned": blank(json.dumps(returned(step.get("returned")), sort_keys=True)),
        "exception": step.get("exception"),
        "message": blank(step.get("message")),
        "status_code": step.get("status_code"),
        "warnings": [blank(json.dumps(w, sort_keys=True)) for w in step.get("warnings", [])],
        "http": [
            {"call": f'{c["method"]} {blank(c["path"])}', "status": c["status"], "body": response_body(c)}
            for c in step.get("http", [])
        ],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recorded")
    parser.add_argument("captured")
    parser.add_argument("--known")
    parser.add_argument("--label", default="sdk probe")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    known = set()
    if args.known:
        with open(args.known, encoding="utf-8") as f:
            known = {line.split("#")[0].strip() for line in f} - {""}
    recorded = {s["step"]: s for s in json.load(open(args.recorded))["steps"]}
    captured = {s["step"]: s for s in json.load(open(args.captured))["steps"]}
    equal, unexpected, stale, known_seen = 0, [], [], 0
    for name, real in recorded.items():
        expected = shown(real)
        got = shown(captured[name]) if name in captured else None
        if json.dumps(expected) == json.dumps(got):
            equal += 1
            if name in known:
                stale.append(name)
        elif name in known:
            known_seen += 1
        else:
            unexpected.append(name)
            print(f"DIFF {name}")
            limit = None if args.verbose else 1500
            for part in ("ok", "returned", "exception", "message", "status_code", "warnings"):
                if got is None or expected[part] != got[part]:
                    print(f"  {part}: real {str(expected[part])[:limit]}")
                    print(f"  {part}: mock {str(got and got[part])[:limit]}")
            calls = max(len(expected["http"]), len(got["http"]) if got else 0)
            for i in range(calls):
                e = expected["http"][i] if i < len(expected["http"]) else None
                g = got["http"][i] if got and i < len(got["http"]) else None
                if e != g:
                    print(f"  http[{i}] real: {json.dumps(e)[:limit]}")
                    print(f"  http[{i}] mock: {json.dumps(g)[:limit]}")
    for name in stale:
        print(f"STALE {name}: listed as a known difference, but equal now")
    print(
        f"parity {args.label}: {equal} equal / {len(recorded)} steps; {known_seen} known differences; "
        f"{len(unexpected)} unexpected" + (f"; {len(stale)} stale known entries" if stale else "")
    )
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    sys.exit(main())
