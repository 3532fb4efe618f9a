"""Draw a benchmark run as one chart: req/s and p99 of every row, the mock beside nginx.

usage: chart.py RESULTS_DIR

Reads RESULTS_DIR/raw.txt the way report.py does (the same median run and ratios), writes
RESULTS_DIR/chart.svg, then RESULTS_DIR/chart.png with headless Chromium. Without Chromium
the SVG stays and the PNG is skipped with a note: a chart never fails the benchmark.
Standard library only; messages go to stderr, since run.sh's stdout is the report.
"""
import dataclasses
import datetime
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

import report
import tls_report

WIDTH = 900
SCALE = 1  # device pixels per SVG unit: the README shows the chart 900 wide; 2 would be ~270 KB
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
MOCK_COLOR, NGINX_COLOR = "#e0662f", "#5b7fa8"

# x layout: row labels, then the req/s panel, then the p99 panel; each panel ends in a ratio column
LABEL_RIGHT = 152
RPS_LEFT, RPS_BARS, RPS_RATIO_RIGHT = 162, 255, 515
P99_LEFT, P99_BARS, P99_RATIO_RIGHT = 552, 228, WIDTH - 12
# y layout
TOP = 118
SECTION_H, ROW_H, BAR_H = 24, 30, 10
BOTTOM = 78

TLS_LABELS = {
    "wrk-GET": "GET · HTTP/1.1",
    "wrk-POST": "POST · HTTP/1.1",
    "h2-GET": "GET · h2 (ALPN)",
    "h2-POST": "POST · h2 (ALPN)",
    "handshakes": "handshakes",
}


@dataclasses.dataclass
class Pair:
    label: str
    mock_rps: float
    nginx_rps: float
    rps_ratio: float
    mock_p99: int | None = None  # µs; None where the client reports no p99 (h2load)
    nginx_p99: int | None = None
    p99_ratio: float | None = None


@dataclasses.dataclass
class Section:
    title: str
    pairs: list


# --- the figures, reduced as report.py and tls_report.py reduce them --------------------

def endpoint_order(endpoint):
    return {"POST": 0, "GET": 1}.get(endpoint, 2), endpoint


def http1_section(raw):
    rows = report.aggregate(raw.runs)
    keys = sorted({(e, c) for e, c, s in rows if (e, c, "mock") in rows and (e, c, "nginx") in rows},
                  key=lambda k: (endpoint_order(k[0]), int(k[1])))
    pairs = []
    for endpoint, conns in keys:
        mock, nginx = rows[(endpoint, conns, "mock")], rows[(endpoint, conns, "nginx")]
        plural = "" if conns == "1" else "s"
        pairs.append(Pair(f"{endpoint} · {conns} conn{plural}", mock["rps"], nginx["rps"],
                          report.paired_ratio(mock, nginx, "rps"), mock["p99_us"], nginx["p99_us"],
                          report.paired_ratio(mock, nginx, "p99_us")))
    return Section("HTTP/1.1 keep-alive (wrk -t1)", pairs)


def group_runs(runs, *key_fields):
    groups = {}
    for r in runs:
        groups.setdefault(tuple(r[k] for k in key_fields), []).append(r)
    return groups


def h2_section(raw):
    groups = group_runs(raw.h2_runs, "endpoint", "conns", "streams", "server")
    keys = sorted({k[:3] for k in groups if k[:3] + ("mock",) in groups and k[:3] + ("nginx",) in groups},
                  key=lambda k: (endpoint_order(k[0]), -int(k[1])))
    pairs = []
    for endpoint, conns, streams in keys:
        mock, nginx = groups[(endpoint, conns, streams, "mock")], groups[(endpoint, conns, streams, "nginx")]
        plural = "" if streams == "1" else "s"
        pairs.append(Pair(f"{endpoint} · {conns} × {streams} stream{plural}",
                          float(report.median_run(mock)["rps"]), float(report.median_run(nginx)["rps"]),
                          report.round_ratio(mock, nginx, "rps")))
    return Section("HTTP/2, prior knowledge (h2load -t1; connections × streams)", pairs)


def tls_section(raw):
    groups = group_runs(raw.tls_runs, "row", "server")
    pairs = []
    for row, (mock_rps, nginx_rps, _) in tls_report.medians(raw.tls_runs).items():
        pair = Pair(TLS_LABELS.get(row, row), mock_rps, nginx_rps, mock_rps / max(1e-9, nginx_rps))
        mock, nginx = groups[(row, "mock")], groups[(row, "nginx")]
        if all("p99_us" in r for r in mock + nginx):
            pair.mock_p99 = int(report.median_run(mock)["p99_us"])
            pair.nginx_p99 = int(report.median_run(nginx)["p99_us"])
            pair.p99_ratio = report.round_ratio(mock, nginx, "p99_us")
        pairs.append(pair)
    return Section("TLS, ECDSA P-256, 64 connections (wrk; h2load) · handshakes: a new connection per request", pairs)


def sections_of(raw):
    return [s for s in (http1_section(raw), h2_section(raw), tls_section(raw)) if s.pairs]


def captions(raw, folder):
    """Title and subtitle from the MACHINE lines and the run's time stamp."""
    machine = raw.machine
    source = next((m.split(" ", 1)[1] for m in machine if m.startswith("source ")), "?")
    setup = next((m for m in machine if "pinned to CPU" in m), "")
    config = re.search(r"mock configuration (\S+)", setup)
    title = f"CertPackMock beside nginx · source {source}"
    if config:
        title += f" · mock configuration {config.group(1)}"
    details = [run_date(folder)]
    if machine:
        details.append(", ".join(machine[0].split(", ")[:2]))  # CPU model and count
    for pattern in (r"median of \d+ runs of \S+ per row", r"nginx access log \w+"):
        found = re.search(pattern, setup)
        if found:
            details.append(found.group(0))
    return title, " · ".join(details)


def run_date(folder):
    """The run's UTC time from its folder name (run.sh's stamp), else raw.txt's modification time."""
    stamp = re.fullmatch(r"(\d{8}T\d{4})\d{2}Z", os.path.basename(os.path.normpath(folder)))
    if stamp:
        when = datetime.datetime.strptime(stamp.group(1), "%Y%m%dT%H%M")
    else:
        when = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(folder, "raw.txt")), datetime.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


# --- SVG pieces -----------------------------------------------------------------------

def text(x, y, content, cls="", anchor="start"):
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    class_attr = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{class_attr}{anchor_attr}>{escape(content)}</text>'


def rect(x, y, w, h, fill):
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h:.1f}" fill="{fill}"/>'


def vline(x, y1, y2, cls="grid"):
    return f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" class="{cls}"/>'


def nice_ticks(maximum, most=7):
    """0, step, 2·step, … up to the first tick at or above maximum; step is 1, 2 or 5 × 10^n."""
    magnitude = 10 ** math.floor(math.log10(max(maximum, 1)))
    step = next(m * magnitude for m in (0.1, 0.2, 0.5, 1, 2, 5, 10) if maximum / (m * magnitude) <= most - 1)
    return [i * step for i in range(math.ceil(maximum / step) + 1)]


def rps_label(value):
    return "0" if value == 0 else f"{value / 1000:g}k" if value >= 1000 else f"{value:g}"


def latency_tick(us):
    return f"{us:g} µs" if us < 1000 else f"{us / 1000:g} ms"


@dataclasses.dataclass
class Axis:
    """Maps a value to a bar length in SVG units: linear from 0, or log from the decade `low`."""
    maximum: float
    length: float
    log: bool = False
    low: float = 1.0

    def __call__(self, value):
        if self.log:
            span = math.log10(self.maximum / self.low)
            return self.length * max(0.0, math.log10(max(value, self.low) / self.low)) / span
        return self.length * value / self.maximum


def rps_axis(sections):
    top = max(max(p.mock_rps, p.nginx_rps) for s in sections for p in s.pairs)
    ticks = nice_ticks(top)
    return Axis(ticks[-1], RPS_BARS), ticks


def p99_axis(sections):
    values = [v for s in sections for p in s.pairs for v in (p.mock_p99, p.nginx_p99) if v]
    if not values:
        return None, []
    low = 10 ** math.floor(math.log10(min(values)) - 0.05)
    high = 10 ** max(math.ceil(math.log10(max(values))), math.log10(low) + 1)
    ticks = [low * 10 ** i for i in range(round(math.log10(high / low)) + 1)]
    return Axis(high, P99_BARS, log=True, low=low), ticks


# --- the drawing ------------------------------------------------------------------------

def pair_bars(left, top, axis, mock, nginx, fmt):
    """Two bars (mock above nginx) with their values at the bars' ends."""
    out = []
    for offset, value, color in ((3, mock, MOCK_COLOR), (3 + BAR_H + 3, nginx, NGINX_COLOR)):
        length = axis(value)
        out.append(rect(left, top + offset, length, BAR_H, color))
        out.append(text(left + length + 4, top + offset + BAR_H - 1, fmt(value), "value"))
    return out


def ratio_label(ratio):
    return "–" if ratio is None else f"{ratio:.2f}×"


def draw_row(pair, top, rps, p99):
    middle = top + ROW_H / 2 + 4
    out = [text(LABEL_RIGHT, middle, pair.label, "label", "end")]
    out += pair_bars(RPS_LEFT, top, rps, pair.mock_rps, pair.nginx_rps, lambda v: f"{v:,.0f}")
    out.append(text(RPS_RATIO_RIGHT, middle, ratio_label(pair.rps_ratio), "ratio", "end"))
    if pair.mock_p99 is None or pair.nginx_p99 is None:
        out.append(text(P99_LEFT + 4, middle, "no p99 (h2load)", "note"))
    else:
        out += pair_bars(P99_LEFT, top, p99, pair.mock_p99, pair.nginx_p99, report.latency)
        out.append(text(P99_RATIO_RIGHT, middle, ratio_label(pair.p99_ratio), "ratio", "end"))
    return out


def draw_grid(top, bottom, rps, rps_ticks, p99, p99_ticks):
    out = []
    for tick in rps_ticks:
        x = RPS_LEFT + rps(tick)
        out += [vline(x, top, bottom), text(x, bottom + 14, rps_label(tick), "tick", "middle")]
    for tick in p99_ticks:
        x = P99_LEFT + p99(tick)
        out += [vline(x, top, bottom), text(x, bottom + 14, latency_tick(tick), "tick", "middle")]
    return out


def draw_heading(title, subtitle):
    legend_y = 70
    return [
        text(12, 26, title, "title"),
        text(12, 46, subtitle, "subtitle"),
        rect(12, legend_y - 10, 14, 10, MOCK_COLOR), text(31, legend_y, "mock", "legend"),
        rect(82, legend_y - 10, 14, 10, NGINX_COLOR), text(101, legend_y, "nginx", "legend"),
        text(RPS_LEFT, TOP - 24, "requests per second (higher is better)", "panel"),
        text(RPS_RATIO_RIGHT, TOP - 7, "mock / nginx", "small", "end"),
        text(P99_LEFT, TOP - 24, "p99 latency, log scale (lower is better)", "panel"),
        text(P99_RATIO_RIGHT, TOP - 7, "mock / nginx", "small", "end"),
    ]


STYLE = f"""<style>
text {{ font-family: {FONT}; fill: #222; }}
.title {{ font-size: 17px; font-weight: bold; }}
.subtitle {{ font-size: 12px; fill: #555; }}
.legend {{ font-size: 12.5px; }}
.panel {{ font-size: 12.5px; font-weight: bold; }}
.section {{ font-size: 12px; font-weight: bold; fill: #333; }}
.label {{ font-size: 12px; }}
.value {{ font-size: 10.5px; fill: #444; }}
.ratio {{ font-size: 12.5px; font-weight: bold; }}
.small, .tick {{ font-size: 10.5px; fill: #666; }}
.note {{ font-size: 10.5px; fill: #999; font-style: italic; }}
.foot {{ font-size: 10.5px; fill: #666; }}
.grid {{ stroke: #e4e4e4; stroke-width: 1; }}
.axis {{ stroke: #999; stroke-width: 1; }}
</style>"""


def render(sections, title, subtitle):
    """The whole chart as SVG text, and its height."""
    rps, rps_ticks = rps_axis(sections)
    p99, p99_ticks = p99_axis(sections)
    rows_height = sum(SECTION_H + ROW_H * len(s.pairs) for s in sections)
    bottom = TOP + rows_height
    height = bottom + BOTTOM
    body = draw_heading(title, subtitle)
    body += draw_grid(TOP, bottom, rps, rps_ticks, p99, p99_ticks)
    body += [vline(RPS_LEFT, TOP, bottom, "axis")]  # before the sections, whose bands cover it
    if p99:
        body += [vline(P99_LEFT, TOP, bottom, "axis")]
    y = TOP
    for section in sections:
        body += [rect(0, y, WIDTH, SECTION_H - 2, "#f2f3f5"), text(12, y + 16, section.title, "section")]
        y += SECTION_H
        for pair in section.pairs:
            body += draw_row(pair, y, rps, p99)
            y += ROW_H
    no_p99 = any(p.mock_p99 is None for s in sections for p in s.pairs)
    body += [
        text(12, bottom + 40, "Bars: the run with the median req/s of each row's rounds. Ratios as in report.md: "
             "the median of the per-round mock/nginx ratios (TLS req/s: ratio of the medians).", "foot"),
        text(12, bottom + 56, "Server pinned to one core, client to the other; both servers answer the same bytes."
             + (" h2load reports no p99." if no_p99 else ""), "foot"),
    ]
    svg = "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}">',
        STYLE,
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        *body,
        "</svg>",
        "",
    ])
    return svg, height


# --- PNG through headless Chromium ------------------------------------------------------

def to_png(svg_path, png_path, height):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chart.py: PNG skipped, chromium not found (apt-get install -y chromium); the SVG is written",
              file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="chart-chromium-") as profile:
        command = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                   f"--user-data-dir={profile}", f"--force-device-scale-factor={SCALE}",
                   f"--window-size={WIDTH},{height}", f"--screenshot={os.path.abspath(png_path)}",
                   "file://" + os.path.abspath(svg_path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            print("chart.py: PNG skipped, chromium took over 120 s", file=sys.stderr)
            return
    if done.returncode != 0 or not os.path.exists(png_path):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"chart.py: PNG skipped, chromium failed ({done.returncode}): {last}", file=sys.stderr)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    folder = sys.argv[1]
    raw = report.read_raw(os.path.join(folder, "raw.txt"))
    sections = sections_of(raw)
    if not sections:
        print("chart.py: no row has both mock and nginx in raw.txt; no chart", file=sys.stderr)
        return 0
    svg, height = render(sections, *captions(raw, folder))
    svg_path, png_path = os.path.join(folder, "chart.svg"), os.path.join(folder, "chart.png")
    with open(svg_path, "w") as f:
        f.write(svg)
    if os.path.exists(png_path):
        os.remove(png_path)  # never leave a chart of other figures beside this SVG
    to_png(svg_path, png_path, height)
    print(f"chart.py: wrote {svg_path}" + (f" and {png_path}" if os.path.exists(png_path) else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
