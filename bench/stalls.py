#!/usr/bin/env python3
"""Reads bench/stalls.sh's trace and prints where the slow requests' time went.

Trace lines: ``S <ns> <pid>|<comm>`` when <comm> starts running on the traced core, and
``Q <ns> <in-server ns> <until-read ns>`` when a request is answered (its first send).
"""
import bisect
import collections
import sys


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


def load(path):
    switches, requests = [], []
    with open(path) as trace:
        for line in trace:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "S":
                ns, _, who = rest.partition(" ")
                _, _, comm = who.partition("|")
                switches.append((int(ns), comm))
            elif kind == "Q":
                ended, total, until_read = (int(v) for v in rest.split())
                requests.append((ended, total, until_read))
    switches.sort()
    return switches, requests


def time_per_thread(switches, starts, begin, end):
    """CPU time of each thread on the traced core between begin and end (ns)."""
    spent = collections.Counter()
    i = bisect.bisect_right(starts, begin) - 1
    running = switches[i][1] if i >= 0 else "?"
    t = begin
    i += 1
    while i < len(switches) and switches[i][0] < end:
        spent[running] += switches[i][0] - t
        t, running = switches[i]
        i += 1
    spent[running] += end - t
    return spent


def main():
    path, slow_ms = sys.argv[1], float(sys.argv[2])
    switches, requests = load(path)
    if not requests:
        sys.exit("stalls.py: no requests seen: is the load running against that port?")
    starts = [s[0] for s in switches]
    total = sorted(r[1] for r in requests)
    until_read = sorted(r[2] for r in requests if r[2])
    print(f"{len(requests)} requests traced")
    for name, values in (("arrival to first write back", total), ("arrival to read", until_read)):
        cells = "  ".join(f"p{p} {percentile(values, p) / 1e6:.2f}" for p in (50, 90, 99, 99.9))
        print(f"  {name:28} ms: {cells}  max {values[-1] / 1e6:.2f}")
    slow = [r for r in requests if r[1] > slow_ms * 1e6]
    print(f"{len(slow)} requests ({100 * len(slow) / len(requests):.2f} %) took over {slow_ms:g} ms in the server")
    if not slow:
        return
    spent = collections.Counter()
    for ended, took, _ in slow:
        spent.update(time_per_thread(switches, starts, ended - took, ended))
    whole = sum(spent.values())
    print("  what ran on the server core while they waited (summed over them):")
    for comm, ns in spent.most_common(12):
        print(f"    {100 * ns / whole:5.1f} %  {ns / 1e6:8.1f} ms  {comm}")


if __name__ == "__main__":
    main()
