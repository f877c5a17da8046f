#!/usr/bin/env python3
"""Summarizes `jfr print --json --events jdk.ExecutionSample` (stdin): the share of samples per thread
group, the hottest frames (self), and the hottest methods of our own code and of the JDK's HTTP server
(inclusive: on the stack at all). Used by scripts/cpu-per-op.sh PROFILE=1."""
import collections, json, re, sys

events = json.load(sys.stdin)["recording"]["events"]
if not events:
    sys.exit("jfr-hot: the recording has no execution samples")

def method(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]

def group(thread):
    name = thread.get("javaName") or ""
    if not name:
        return "virtual threads (HTTP handlers)"
    return re.sub(r"[-#]?\d+$", "", re.sub(r"-\d+(-worker)?-\d+$", "", name)) or name

groups, top, ours = collections.Counter(), collections.Counter(), collections.Counter()
for e in events:
    v = e["values"]
    frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
    groups[group(v["sampledThread"])] += 1
    if frames:
        top[method(frames[0])] += 1
    for m in {method(f) for f in frames}:
        if m.startswith("dev.dsync.") or m.startswith("sun.net.httpserver."):
            ours[m] += 1
n = len(events)
print(f"JFR execution samples of the leader: {n}")
print("  by thread: " + ", ".join(f"{k} {100 * c / n:.0f}%" for k, c in groups.most_common(6)))
print("  hottest frames (self):")
for k, c in top.most_common(12):
    print(f"    {100 * c / n:5.1f}%  {k}")
print("  our code and the JDK HTTP server (inclusive; stacks over 64 frames are cut at the bottom):")
for k, c in ours.most_common(20):
    print(f"    {100 * c / n:5.1f}%  {k}")
