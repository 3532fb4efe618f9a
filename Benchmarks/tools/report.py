"""Turn run.sh's raw result lines (RUN, H2, STARTUP, RSS, INSTR, MACHINE) into the
markdown report (stdout). read_raw, median_run and round_ratio are shared with
tls_report.py and chart.py, so every view of a run reads and reduces it alike.

usage: report.py RAW_FILE [CALLGRIND_TABLES_FILE]
"""
import dataclasses
import sys

MIB = 1024


def fields(rest):
    out = {}
    for token in rest.split():
        key, sep, value = token.partition("=")
        if sep:
            out[key] = value
    return out


def latency(us):
    us = int(us)
    return f"{us} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def mark(ok):
    return "met" if ok else "**not met**"


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def median_run(group):
    """The run with the median req/s (the lower middle one of an even count)."""
    return sorted(group, key=lambda r: float(r["rps"]))[(len(group) - 1) // 2]


def round_ratio(mock_runs, nginx_runs, field):
    """Median over rounds of mock/nginx, each round's two runs back to back."""
    by_round = {r.get("round", "1"): float(r[field]) for r in nginx_runs}
    ratios = [float(r[field]) / max(1e-9, by_round[r.get("round", "1")])
              for r in mock_runs if r.get("round", "1") in by_round]
    return median(ratios) if ratios else None


@dataclasses.dataclass
class Raw:
    """run.sh's raw.txt: each line's key=value fields by kind (the report and the chart read it)."""
    runs: list = dataclasses.field(default_factory=list)      # RUN (and ROW): wrk, HTTP/1.1
    h2_runs: list = dataclasses.field(default_factory=list)   # H2: h2load, prior knowledge
    tls_runs: list = dataclasses.field(default_factory=list)  # TLS: Benchmarks/tls.sh
    startup: dict = dataclasses.field(default_factory=dict)   # STARTUP, by server name
    rss: dict = dataclasses.field(default_factory=dict)
    instr: dict = dataclasses.field(default_factory=dict)
    get_instr: dict = dataclasses.field(default_factory=dict)  # INSTR_GET: a GET of the fixture pack
    nginx_instr: dict = dataclasses.field(default_factory=dict)
    machine: list = dataclasses.field(default_factory=list)   # MACHINE lines as text


def read_raw(path):
    raw = Raw()
    with open(path) as f:
        for line in f.read().splitlines():
            kind, _, rest = line.partition(" ")
            if kind in ("RUN", "ROW"):
                raw.runs.append(fields(rest))
            elif kind == "H2":
                raw.h2_runs.append(fields(rest))
            elif kind == "TLS":
                raw.tls_runs.append(fields(rest))
            elif kind == "STARTUP":
                name, _, rest = rest.partition(" ")
                raw.startup[name] = fields(rest)
            elif kind == "RSS":
                raw.rss = fields(rest)
            elif kind == "INSTR":
                raw.instr = fields(rest)
            elif kind == "INSTR_GET":
                raw.get_instr = fields(rest)
            elif kind == "NGINX_INSTR":
                raw.nginx_instr = fields(rest)
            elif kind == "MACHINE":
                raw.machine.append(rest)
    return raw


def aggregate(runs):
    """Rows keyed (endpoint, conns, server): the run with the median req/s
    supplies req/s, p50 and p99; errors add up over all runs."""
    rows = {}
    for r in runs:
        rows.setdefault((r["endpoint"], r["conns"], r["server"]), []).append(r)
    out = {}
    for key, group in rows.items():
        group.sort(key=lambda r: float(r["rps"]))
        mid = median_run(group)
        out[key] = {
            "rps": float(mid["rps"]), "p50_us": int(mid["p50_us"]), "p99_us": int(mid["p99_us"]),
            "min_rps": float(group[0]["rps"]), "max_rps": float(group[-1]["rps"]), "runs": len(group),
            "errors": sum(int(r[k]) for r in group for k in ("err_connect", "err_read", "err_write", "err_timeout")),
            "non2xx": sum(int(r["non2xx"]) for r in group),
            "by_round": {r.get("round", "1"): r for r in group},
            # server CPU time (user + system, all its processes) per answered request, over all runs
            "cpu_us": (sum(int(r.get("server_cpu_us", 0)) for r in group)
                       / max(1, sum(int(r["requests"]) for r in group))) if "server_cpu_us" in mid else None,
            # context switches of all the server's threads per answered request, over all runs
            "csw": (sum(int(r.get("server_csw", 0)) for r in group)
                    / max(1, sum(int(r["requests"]) for r in group))) if "server_csw" in mid else None,
        }
    return out


def paired_ratio(mock, nginx, field):
    """round_ratio of two aggregated rows."""
    return round_ratio(mock["by_round"].values(), nginx["by_round"].values(), field)


def print_h2(runs):
    """The h2load rows (HTTP/2, prior knowledge): a table after wrk's, and their targets."""
    if not runs:
        return []
    rows = {}
    for r in runs:
        rows.setdefault((r["endpoint"], int(r["conns"]), int(r["streams"]), r["server"]), []).append(r)
    print("\n**HTTP/2** (h2load -t1, prior knowledge; nginx `listen … http2`):\n")
    print("| endpoint | connections × streams | server | req/s | req/s range | mean latency | failed | non-2xx | req/s vs nginx | server CPU / req |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    targets = []
    order = {"POST": 0, "GET": 1}
    for key in sorted(rows, key=lambda k: (order.get(k[0], 9), -k[1], k[3] != "nginx")):
        endpoint, conns, streams, server = key
        group = sorted(rows[key], key=lambda r: float(r["rps"]))
        mid = median_run(group)
        ratio = "–"
        nginx = rows.get((endpoint, conns, streams, "nginx"))
        if server == "mock" and nginx:
            value = round_ratio(group, nginx, "rps")
            ratio = f"{value:.2f}×"
            targets.append((f"HTTP/2 {endpoint} req/s at {conns}×{streams} ≥ 0.5× nginx", ratio, value >= 0.5))
        cpu = sum(int(r["server_cpu_us"]) for r in group) / max(1, sum(int(r["requests"]) for r in group))
        print(f"| {endpoint} | {conns} × {streams} | {server} | {float(mid['rps']):,.0f} | "
              f"{float(group[0]['rps']):,.0f}–{float(group[-1]['rps']):,.0f} | {latency(mid['mean_us'])} | "
              f"{sum(int(r['failed']) for r in group)} | {sum(int(r['non2xx']) for r in group)} | {ratio} | {cpu:.1f} µs |")
    return targets


def main():
    raw = read_raw(sys.argv[1])
    runs, h2_runs, startup, machine = raw.runs, raw.h2_runs, raw.startup, raw.machine
    rss, instr, nginx_instr = raw.rss, raw.instr, raw.nginx_instr

    by_key = aggregate(runs)
    ratio_of = {}
    print("| endpoint | connections | server | req/s | req/s range | p50 | p99 | errors | non-2xx | req/s vs nginx | p99 vs nginx | server CPU / req |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    order = {"POST": 0, "GET": 1}
    for key in sorted(by_key, key=lambda k: (order.get(k[0], 9), int(k[1]), k[2] != "nginx")):
        endpoint, conns, server = key
        r, nginx = by_key[key], by_key.get((endpoint, conns, "nginx"))
        ratio = p99_ratio = "–"
        if nginx:
            rr, pr = paired_ratio(r, nginx, "rps"), paired_ratio(r, nginx, "p99_us")
            ratio_of[key] = (rr, pr)
            ratio, p99_ratio = f"{rr:.2f}×", f"{pr:.2f}×"
        cpu = "–" if r["cpu_us"] is None else f"{r['cpu_us']:.1f} µs"
        print(f"| {endpoint} | {conns} | {server} | {r['rps']:,.0f} | {r['min_rps']:,.0f}–{r['max_rps']:,.0f} | "
              f"{latency(r['p50_us'])} | {latency(r['p99_us'])} | {r['errors']} | {r['non2xx']} | "
              f"{ratio} | {p99_ratio} | {cpu} |")
    h2_targets = print_h2(h2_runs)
    rounds = max((r["runs"] for r in by_key.values()), default=0)
    print(f"\nreq/s, p50 and p99 are those of the median of {rounds} runs; ratios are the median of the "
          "per-round ratios (each round runs both servers back to back). Server CPU / req is the "
          "server's user + system CPU time over all its runs divided by the requests answered: "
          "unlike req/s, it hardly moves when a neighbour takes the core.")
    print()
    targets = list(h2_targets)
    for endpoint, floor in (("POST", 0.5), ("GET", 0.6)):
        if (endpoint, "64", "mock") in ratio_of:
            ratio, p99 = ratio_of[(endpoint, "64", "mock")]
            targets.append((f"{endpoint} req/s at 64 connections ≥ {floor}× nginx", f"{ratio:.2f}×", ratio >= floor))
            targets.append((f"{endpoint} p99 at 64 connections ≤ 2× nginx", f"{p99:.2f}×", p99 <= 2))
    if "mock" in startup and "nginx" in startup:
        ms, ns = float(startup["mock"]["median_ms"]), float(startup["nginx"]["median_ms"])
        targets.append(("start-up to first 200 ≤ nginx", f"{ms:.1f} ms vs {ns:.1f} ms", ms <= ns))
    if rss:
        idle, after, orders = int(rss["mock_idle_kb"]), int(rss["mock_after_kb"]), int(rss["orders"])
        per_pack = (after - idle) * 1024 / orders
        # The second half's growth: the journal is full by half-way, so this is a pack alone.
        half = int(rss["mock_half_kb"]) if "mock_half_kb" in rss else None
        own = (after - half) * 1024 / (orders - orders // 2) if half else per_pack
        targets.append(("idle RSS < 15 MiB", f"{idle / MIB:.1f} MiB", idle < 15 * MIB))
        targets.append(("RSS per stored pack < 300 B (second half of the orders)", f"{own:.0f} B", own < 300))
    if instr:
        per_post = int(instr["per_request"])
        targets.append(("instructions per POST ≤ 40,000", f"{per_post:,}", per_post <= 40_000))
    if raw.get_instr:
        per_get = int(raw.get_instr["per_request"])
        targets.append(("instructions per GET ≤ 30,000", f"{per_get:,}", per_get <= 30_000))

    print("| target | measured | |")
    print("|---|---:|---|")
    for name, value, ok in targets:
        print(f"| {name} | {value} | {mark(ok)} |")

    print()
    for name in ("nginx", "mock"):
        if name in startup:
            s = startup[name]
            print(f"- Start-up to first 200 ({name}, median of {len(s['all_ms'].split(','))}): "
                  f"{float(s['median_ms']):.1f} ms (min {float(s['min_ms']):.1f}, max {float(s['max_ms']):.1f})")
    if rss:
        print(f"- Mock RSS idle: {idle / MIB:.1f} MiB; after {orders:,} orders of 3 hosts "
              f"(quota `used` = {rss['used']}): {after / MIB:.1f} MiB; "
              f"{per_pack:.0f} bytes per order overall, journal included"
              + (f", {own:.0f} bytes per pack over the second half (journal full)" if half else "")
              + ". nginx idle (master + worker): "
              f"{int(rss['nginx_idle_kb']) / MIB:.1f} MiB")
    for endpoint in ("POST", "GET"):
        m, n = by_key.get((endpoint, "64", "mock")), by_key.get((endpoint, "64", "nginx"))
        if m and n and m["cpu_us"] and n["cpu_us"]:
            print(f"- {endpoint} at 64 connections, CPU time per request: mock {m['cpu_us']:.1f} µs, "
                  f"nginx {n['cpu_us']:.1f} µs, so the mock's capacity is {n['cpu_us'] / m['cpu_us']:.2f}× nginx's")
        if m and n and m.get("csw") is not None and n.get("csw") is not None:
            print(f"- {endpoint} at 64 connections, context switches per request: mock {m['csw']:.2f}, nginx {n['csw']:.2f}")
    if instr:
        line = (f"- POST order: {int(instr['per_request']):,} instructions per request "
                f"(callgrind, user space, N={instr['n']} sequential keep-alive orders minus an idle run)")
        if nginx_instr:
            line += (f"; nginx, counted the same way: {int(nginx_instr['per_request']):,} "
                     f"({int(instr['per_request']) / max(1, int(nginx_instr['per_request'])):.0f}× fewer)")
        print(line)
    if raw.get_instr:
        print(f"- GET of the active fixture pack: {int(raw.get_instr['per_request']):,} instructions per request "
              f"(the same count, N={raw.get_instr['n']} sequential keep-alive GETs)")
    if machine:
        print(f"- Machine: {'; '.join(machine)}")
    if len(sys.argv) > 2:
        print(open(sys.argv[2]).read().split("\n", 1)[1])


if __name__ == "__main__":
    main()
