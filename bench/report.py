#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv into bench/RESULTS.md: one markdown table (medians over the
rounds), the ratios, and a check of each target in the issue. Usage: report.py results.tsv --meta k=v ..."""
import re
import argparse
import statistics
from collections import defaultdict

NAMES = {"direct": "origin direct", "cachalot": "Cachalot", "squid": "Squid", "nginx": "nginx proxy_cache",
         "varnish": "Varnish", "haproxy": "HAProxy TCP relay (splice)", "stream": "nginx stream TCP relay",
         "floor": "Netty floor (bench/NettyFloor.java)"}
PEERS = ["squid", "nginx", "varnish"]
SCEN = {
    "a": "(a) hit 1 KiB, 64 conns",
    "b": "(b) hit 100 KiB, 64 conns",
    "c": "(c) hit 10 MiB, 4 conns",
    "d": "(d) pass-through 1 KiB (no-store), 64 conns",
    "dp": "(d) the same at a fixed rate, 64 conns with random gaps",
    "e": "(e) idle keep-alive conns",
    "f": "(f) CONNECT tunnel download",
}


def parse(path):
    rows = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4:
            continue
        r = {"round": parts[0], "sc": parts[1], "t": parts[2]}
        for kv in parts[3:]:
            k, _, v = kv.partition("=")
            r[k] = v
        rows.append(r)
    return rows


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv")
    ap.add_argument("--meta", action="append", default=[])
    a = ap.parse_args()
    meta = dict(m.split("=", 1) for m in a.meta)
    rows = parse(a.tsv)
    agg = defaultdict(lambda: defaultdict(list))
    extra = {}
    for r in rows:
        key = (r["sc"], r["t"])
        d = agg[key]
        dur = int(r["duration_us"]) / 1e6
        d["rps"].append(int(r["requests"]) / dur)
        d["mbs"].append(int(r["bytes"]) / dur / 1e6)
        d["p50"].append(int(r["p50_us"]) / 1000)
        d["p99"].append(int(r["p99_us"]) / 1000)
        d["cpu"].append(int(r["wrk_cpu"]))
        d["peak"].append(int(r["peak_kb"]) / 1024)
        d["origin"].append(int(r["origin_reqs"]))
        d["errors"].append(int(r["errors"]))
        d["secs"].append(dur)
        if r["sc"] == "e":
            extra[key] = r
    m = {k: {f: (max(v) if f in ("peak", "origin", "errors") else med(v)) for f, v in d.items()} | {"n": len(d["rps"])}
         for k, d in agg.items()}

    out = []
    out.append("# Benchmark results (latest run)\n")
    out.append(f"- date: {meta.get('date', '?')}")
    out.append(f"- machine: {meta.get('machine', '?')}")
    out.append(f"- Cachalot: {meta.get('cachalot', '?')}")
    out.append(f"- peers: {meta.get('peers', '?')}")
    out.append(f"- parameters: {meta.get('params', '?')}")
    out.append(f"- machine load: {meta.get('load', '?')}")
    out.append(f"- hits verified before loading (1 = every object's second fetch was a hit and the origin "
               f"log did not grow): {meta.get('verified', '?')}")
    out.append("")
    out.append("Medians of the interleaved rounds (peak RSS, errors and origin requests: the maximum). "
               "Server under test pinned to one core (SERVER_CPU), wrk/curl to the other (CLIENT_CPU); the origin "
               "shares the server's core, except in (f), where it runs on TUNNEL_ORIGIN_CPU. "
               "`× direct`: this row over the origin served directly (same scenario); `Cachalot ÷ row`: Cachalot's "
               "figure over this row's (req/s, or MB/s for (c) and (f); >1 means Cachalot is faster). "
               "`wrk CPU`: the load generator's CPU use over the run (≈100 % means the row is client-bound). "
               "`origin reqs`: requests the origin logged during the run (0 for a true hit run).\n")
    out.append("| scenario | target | req/s | MB/s | p50 ms | p99 ms | added p50/p99 ms | peak RSS MiB | × direct "
               "| Cachalot ÷ row | wrk CPU | origin reqs | errors | notes |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    order = ["direct", "cachalot", "squid", "nginx", "varnish", "floor", "haproxy", "stream"]
    for sc in SCEN:
        for t in order:
            k = (sc, t)
            if k not in m:
                continue
            x = m[k]
            d = m.get((sc, "direct"))
            c = m.get((sc, "cachalot"))
            metric = "mbs" if sc in ("c", "f") else "rps"
            if sc == "e":
                e = extra[k]
                before = int(e["rss_before_kb"])
                after = int(e["peak_kb"])
                idle = e.get("idle", "")
                opened = int(idle.split()[1]) if idle.startswith("OPEN") else 0
                per = (after - before) / opened if opened else float("nan")
                out.append(f"| {SCEN[sc]} | {NAMES[t]} | | | | | | {after / 1024:.0f} | | | | | | "
                           f"RSS {before / 1024:.0f} → {after / 1024:.0f} MiB, **{per:.1f} KiB/conn**; {idle.strip()} |")
                continue
            if sc == "f":
                ratio_d = x["mbs"] / d["mbs"] if d else float("nan")
                cr = c["mbs"] / x["mbs"] if c and t != "cachalot" else None
                out.append(f"| {SCEN[sc]} | {NAMES[t]} | | {x['mbs']:.0f} | | | | {x['peak']:.0f} | "
                           f"{ratio_d:.2f} | {'' if cr is None else f'{cr:.2f}'} | | | | "
                           f"{x['secs']:.2f} s for {x['mbs'] * x['secs'] * 1e6 / 2**20:.0f} MiB |")
                continue
            added = ""
            if d and t != "direct":
                added = f"{x['p50'] - d['p50']:+.2f} / {x['p99'] - d['p99']:+.2f}"
            ratio_d = f"{x[metric] / d[metric]:.2f}" if d and d[metric] else ""
            cr = f"{c[metric] / x[metric]:.2f}" if c and t not in ("cachalot",) and x[metric] else ""
            out.append(f"| {SCEN[sc]} | {NAMES[t]} | {x['rps']:.0f} | {x['mbs']:.1f} | {x['p50']:.2f} | "
                       f"{x['p99']:.2f} | {added} | {x['peak']:.0f} | {ratio_d} | {cr} | {x['cpu']:.0f} % | "
                       f"{x['origin']} | {x['errors']} | {x['n']} run(s) |")
    out.append("")

    # the targets
    def get(sc, t, f):
        return m.get((sc, t), {}).get(f)

    checks = []

    def ratio(sc, peer, f):
        c, p = get(sc, "cachalot", f), get(sc, peer, f)
        return c / p if c and p else None

    def check(label, ok, detail):
        checks.append(f"| {label} | {detail} | {'met' if ok else ('**not met**' if ok is not None else 'n/a')} |")

    for peer in ("nginx", "varnish"):
        r = ratio("a", peer, "rps")
        check(f"(a) req/s ≥ 1.0× {NAMES[peer]}", None if r is None else r >= 1.0, "" if r is None else f"{r:.2f}×")
    cp, sp = get("a", "cachalot", "p99"), get("a", "squid", "p99")
    check("(a) p99 ≤ Squid's", None if cp is None or sp is None else cp <= sp,
          "" if cp is None or sp is None else f"{cp:.2f} ms vs {sp:.2f} ms")
    pk = get("a", "cachalot", "peak")
    check("(a) peak RSS ≤ 300 MiB", None if pk is None else pk <= 300, "" if pk is None else f"{pk:.0f} MiB")
    r = ratio("b", "nginx", "rps")
    check("(b) req/s ≥ 1.0× nginx", None if r is None else r >= 1.0, "" if r is None else f"{r:.2f}×")
    r = ratio("c", "varnish", "mbs")
    check("(c) MB/s ≥ 1.0× Varnish", None if r is None else r >= 1.0, "" if r is None else f"{r:.2f}×")
    r = ratio("d", "squid", "rps")
    check("(d) req/s ≥ 1.0× Squid", None if r is None else r >= 1.0, "" if r is None else f"{r:.2f}×")
    for sc, load in (("d", "64 conns back to back"), ("dp", "at a fixed rate")):
        c99, d99 = get(sc, "cachalot", "p99"), get(sc, "direct", "p99")
        rate = "" if sc == "d" or get(sc, "direct", "rps") is None else f" (~{get(sc, 'direct', 'rps'):,.0f} req/s)"
        refs = [f"{name} {get(sc, t, 'p99') - d99:+.2f}" for t, name in (("floor", "Netty floor"), ("nginx", "nginx"))
                if d99 is not None and get(sc, t, "p99") is not None]
        check(f"(d) added p99 ≤ 1 ms, {load}{rate}", None if c99 is None or d99 is None else c99 - d99 <= 1.0,
              "" if c99 is None or d99 is None else f"{c99 - d99:+.2f} ms" + (f" ({', '.join(refs)})" if refs else ""))
    if ("e", "cachalot") in extra:
        e = extra[("e", "cachalot")]
        idle = e.get("idle", "")
        opened = int(idle.split()[1]) if idle.startswith("OPEN") else 0
        m_err = re.search(r"ERRORS (\d+)", idle)
        refused = int(m_err.group(1)) if m_err else 0
        per = (int(e["peak_kb"]) - int(e["rss_before_kb"])) / opened if opened and not refused else None
        check("(e) ≤ 4 KiB RSS per idle conn", None if per is None else per <= 4,
              f"not measured: {refused} connections failed" if refused else "" if per is None else f"{per:.1f} KiB")
    r = ratio("f", "direct", "mbs")
    check("(f) tunnel ≥ 0.9× direct", None if r is None else r >= 0.9, "" if r is None else f"{r:.2f}×")
    out.append("## Targets from the issue\n")
    out.append("| target | Cachalot | |")
    out.append("|---|---|---|")
    out.extend(checks)
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
