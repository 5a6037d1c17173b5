"""The performance chart of the docs, drawn from a results file of ``run.py``:
``python benchmarks/chart.py [RESULTS] [--publish]``.

One bar per figure that has a target: the SDK's median over plain httpx's (httpx = 1.0x, a
dashed line), with the target marked. Should a results file also hold figures of the
official SDK (an ``"official"`` median next to ``"httpx"`` and ``"sdk"``), each gets its
bar beside ours. The axis stops at ``AXIS_MAX``: a longer bar (the official SDK's, many times
httpx's on streams) is cut there, with a break mark and its value, so that ours stay readable.
The SVG is written by hand (no plotting library) and is deterministic: the
same results give the same bytes, so ``tests/test_site.py`` checks that the published chart
is the one its published numbers give.

Without ``--publish`` the chart goes next to the results (``results/latest.svg``); with it,
the results file is copied to ``docs/assets/benchmark.json`` and the chart drawn from that
copy to ``docs/assets/benchmark.svg``, the pair the Performance page shows.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "docs" / "assets"

# name in the results -> (legend, colour); "sdk" is ours.
BARS = {"sdk": ("this SDK / httpx", "#3f51b5"), "official": ("official SDK / httpx", "#9e9e9e")}
WIDTH, LEFT, RIGHT, TOP = 740, 310, 50, 70
BAR, GAP, GROUP_GAP = 16, 3, 14
AXIS_MAX = 3.0


def figures(report: dict) -> list[dict]:
    """The figures with a target, in the table's order: label, target and a ratio per bar."""
    rows = []
    for result in report["results"].values():
        for row in result["rows"]:
            if row["target"] is None or not row["httpx"]:
                continue
            ratios = {name: row[name] / row["httpx"] for name in BARS if row.get(name)}
            label = f"{result['title']}: {row['label']}"
            rows.append({"label": label, "target": row["target"], "ratios": ratios})
    return rows


def svg(report: dict) -> str:
    """The chart of ``report`` (the JSON ``run.py`` writes) as an SVG document."""
    rows = figures(report)
    present = [name for name in BARS if any(name in row["ratios"] for row in rows)]
    # The axis ends at the next half past the largest ratio (at 2x at least, AXIS_MAX at most).
    largest = max([2.0] + [r for row in rows for r in row["ratios"].values()])
    top = min(math.ceil(largest * 2) / 2, AXIS_MAX)
    scale = (WIDTH - LEFT - RIGHT) / top

    def x(ratio: float) -> float:
        return LEFT + ratio * scale

    group = len(present) * (BAR + GAP) + GROUP_GAP
    height = TOP + len(rows) * group + 50
    machine = report.get("machine", {})
    subtitle = (
        f"{report.get('rounds', '?')} rounds, medians; {machine.get('python', '')}, "
        f"{machine.get('cores', '?')} cores; lower is better"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        '<text x="10" y="22" font-size="16" font-weight="bold">'
        "Cost relative to plain httpx (1.0x), per scenario</text>",
        f'<text x="10" y="42" fill="#555555">{escape(subtitle)}</text>',
    ]
    for i, name in enumerate(present):  # the legend, then the target's
        legend, colour = BARS[name]
        lx = LEFT + i * 170
        out.append(f'<rect x="{lx}" y="50" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + 18}" y="60">{escape(legend)}</text>')
    lx = LEFT + len(present) * 170
    out.append(f'<rect x="{lx + 5}" y="49" width="3" height="14" fill="#d32f2f"/>')
    out.append(f'<text x="{lx + 18}" y="60">target</text>')
    y = TOP
    for row in rows:
        span = len(present) * (BAR + GAP) - GAP
        out.append(
            f'<text x="{LEFT - 8}" y="{y + span / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(row['label'])}</text>"
        )
        for name in present:
            ratio = row["ratios"].get(name)
            if ratio is not None:
                colour, shown = BARS[name][1], min(ratio, top)
                out.append(
                    f'<rect x="{LEFT}" y="{y}" width="{shown * scale:.1f}" height="{BAR}" '
                    f'fill="{colour}"/>'
                )
                if ratio > top:  # cut at the axis' end: a break mark near it
                    bx = x(top) - 12
                    out.append(
                        f'<path d="M{bx:.1f} {y + BAR} l4 -{BAR} m4 {BAR} l4 -{BAR}" '
                        'stroke="#ffffff" stroke-width="2"/>'
                    )
                # The value right of the bar, or of the target mark when that is further.
                end = max(x(shown), x(row["target"]) + 2)
                out.append(f'<text x="{end + 5:.1f}" y="{y + BAR - 4}">{ratio:.2f}x</text>')
            y += BAR + GAP
        tx = x(row["target"])
        out.append(
            f'<line x1="{tx:.1f}" y1="{y - span - GAP - 2}" x2="{tx:.1f}" y2="{y - GAP + 2}" '
            'stroke="#d32f2f" stroke-width="3"/>'
        )
        y += GROUP_GAP
    base = TOP + len(rows) * group
    out.append(
        f'<line x1="{x(1.0):.1f}" y1="{TOP - 4}" x2="{x(1.0):.1f}" y2="{base}" '
        'stroke="#000000" stroke-dasharray="4 3"/>'
    )
    for half in range(int(top * 2) + 1):
        out.append(
            f'<text x="{x(half / 2):.1f}" y="{base + 16}" text-anchor="middle">{half / 2:g}x</text>'
        )
    out.append(
        f'<text x="{x(1.0):.1f}" y="{base + 34}" text-anchor="middle" fill="#555555">'
        "plain httpx</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument(
        "--publish", action="store_true", help="copy the results and the chart to docs/assets/"
    )
    args = parser.parse_args()
    source, chart = args.results, args.results.with_suffix(".svg")
    if args.publish:
        ASSETS.mkdir(parents=True, exist_ok=True)
        source, chart = ASSETS / "benchmark.json", ASSETS / "benchmark.svg"
        shutil.copyfile(args.results, source)
    chart.write_text(svg(json.loads(source.read_text())))
    print(f"chart of {source} written to {chart}")


if __name__ == "__main__":
    main()
