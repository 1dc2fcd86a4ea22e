"""Which texts of a drawn Plotly chart overlap: the boxes of its SVG texts (turned with the text) compared pairwise.

Used by the browser test `test_no_overlap` on the pages and by the meeting-pack test on a figure drawn as SVG.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

# Per chart (`root` matches one element holding a Plotly chart): every visible, non-empty SVG text with the corners
# of its box on the screen (a turned tick label gives a turned box), what it is, and the lines drawn as shapes.
MEASURE_JS = """
(root) => {
  const charts = [...document.querySelectorAll(root)];
  const corners = (el) => {
    const box = el.getBBox();
    const m = el.getScreenCTM();
    return [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
            [box.x, box.y + box.height]].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const hidden = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentNode) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) return true;
    }
    return false;
  };
  const kind = (el) => {
    if (el.closest('.xtick')) return 'x-Achse';
    if (el.closest('.ytick')) return 'y-Achse';
    if (el.closest('.legend')) return 'Legende';
    if (el.closest('.g-gtitle')) return 'Titel';
    if (el.closest('.annotation')) return /Quelle:/.test(el.textContent) ? 'Quelle' : 'Beschriftung';
    if (el.closest('.colorbar')) return 'Farbskala';
    if (el.closest('.point, .bartext, .textpoint')) return 'Wert';
    return 'Text';
  };
  return charts.map((chart) => {
    const title = chart.querySelector('.g-gtitle text');
    const texts = [...chart.querySelectorAll('svg.main-svg text')]
      .filter((el) => !el.closest('.hoverlayer') && el.textContent.trim() && !hidden(el))
      .map((el) => ({text: el.textContent.trim(), kind: kind(el), corners: corners(el)}))
      .filter((item) => item.corners.some(([x, y], i, all) => x !== all[0][0] || y !== all[0][1]));
    const lines = [...chart.querySelectorAll('svg.main-svg .shapelayer path')]
      .filter((el) => !hidden(el))
      .map((el) => {
        const box = el.getBoundingClientRect();
        const half = (parseFloat(getComputedStyle(el).strokeWidth) || 1) / 2;  // a line is as wide as its stroke
        const [left, right, top, bottom] = [box.left - half, box.right + half, box.top - half, box.bottom + half];
        return {text: 'Linie', kind: 'Linie', corners: [[left, top], [right, top], [right, bottom], [left, bottom]]};
      })
      .filter((item) => {
        const [a, , c] = item.corners;
        return Math.min(c[0] - a[0], c[1] - a[1]) < 4;  // a straight line, not a filled area
      });
    const svg = chart.querySelector('svg.main-svg').getBoundingClientRect();
    return {title: title ? title.textContent : '', texts, lines, bounds: [svg.left, svg.top, svg.right, svg.bottom]};
  });
}
"""

TOLERANCE_PX = 2.0


@dataclass(frozen=True)
class Label:
    """One text of a chart: what it says, what it is (tick, value, annotation, source line …), its box's corners."""

    text: str
    kind: str
    corners: tuple[tuple[float, float], ...]


def _axes(corners: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """The normals of a box's edges (two suffice for a rectangle)."""
    (x0, y0), (x1, y1), (x2, y2) = corners[:3]
    return [(y0 - y1, x1 - x0), (y1 - y2, x2 - x1)]


def _normalised(axis: tuple[float, float]) -> tuple[float, float]:
    length = (axis[0] ** 2 + axis[1] ** 2) ** 0.5 or 1.0
    return axis[0] / length, axis[1] / length


def depth(a: Label, b: Label) -> float:
    """How far (px) the two boxes reach into each other along the axis that separates them best; ≤ 0: apart."""
    smallest = float("inf")
    for axis in map(_normalised, _axes(a.corners) + _axes(b.corners)):
        pa = [x * axis[0] + y * axis[1] for x, y in a.corners]
        pb = [x * axis[0] + y * axis[1] for x, y in b.corners]
        smallest = min(smallest, min(max(pa), max(pb)) - max(min(pa), min(pb)))
    return smallest


def shrunk(label: Label, px: float) -> Label:
    """The label's box made `px` smaller on every side (along its own edges, for a turned text too)."""
    (x0, y0), (x1, y1), _, (x3, y3) = label.corners
    ux, uy = _normalised((x1 - x0, y1 - y0))
    vx, vy = _normalised((x3 - x0, y3 - y0))
    signs = ((1, 1), (-1, 1), (-1, -1), (1, -1))
    corners = tuple(
        (x + px * (su * ux + sv * vx), y + px * (su * uy + sv * vy))
        for (x, y), (su, sv) in zip(label.corners, signs, strict=True)
    )
    return Label(label.text, label.kind, corners)


def overlaps(texts: list[Label], lines: Sequence[Label] = (), tolerance: float = TOLERANCE_PX) -> list[str]:
    """Every pair of texts whose boxes overlap by more than `tolerance` px, and every text a line runs through
    (more than `tolerance` px inside its box), in words."""
    found = []
    for index, a in enumerate(texts):
        for b in texts[index + 1 :]:
            if depth(a, b) > tolerance:
                found.append(f"{a.kind} „{a.text}“ überdeckt {b.kind} „{b.text}“")
        inner = shrunk(a, tolerance)
        found += [f"Linie kreuzt {a.kind} „{a.text}“" for line in lines if depth(inner, line) > 0]
    return found


def cut_off(texts: list[Label], bounds: Sequence[float], tolerance: float = TOLERANCE_PX) -> list[str]:
    """Every text reaching more than `tolerance` px out of the chart's picture (`bounds`: left, top, right, bottom),
    where the browser cuts it off."""
    left, top, right, bottom = bounds
    return [
        f"{label.kind} „{label.text}“ ragt aus dem Bild"
        for label in texts
        if any(
            x < left - tolerance or x > right + tolerance or y < top - tolerance or y > bottom + tolerance
            for x, y in label.corners
        )
    ]


def chart_problems(measured: list[dict]) -> list[str]:
    """The overlaps and cut-off texts of each measured chart (the result of MEASURE_JS), each prefixed with the
    chart's title."""
    problems = []
    for number, chart in enumerate(measured, start=1):
        texts = [Label(t["text"], t["kind"], tuple(map(tuple, t["corners"]))) for t in chart["texts"]]
        lines = [Label(t["text"], t["kind"], tuple(map(tuple, t["corners"]))) for t in chart["lines"]]
        name = chart["title"] or f"Diagramm {number}"
        problems += [f"{name}: {problem}" for problem in [*overlaps(texts, lines), *cut_off(texts, chart["bounds"])]]
    return problems


def figure_problems(page: object, figure: object, width: int, height: int) -> list[str]:
    """Draw a Plotly figure (a `go.Figure`) at `width`×`height` CSS pixels in a browser tab with the plotly.js the
    package brings (no request leaves the machine) and return its overlaps and cut-off texts."""
    from plotly.offline import get_plotlyjs

    page.set_viewport_size({"width": width + 40, "height": height + 40})
    if not page.evaluate("typeof Plotly !== 'undefined'"):
        page.set_content(f"<html><body style='margin:0'><script>{get_plotlyjs()}</script></body></html>")
    page.evaluate(
        """async ([spec, width, height]) => {
            document.querySelectorAll('#chart').forEach((old) => { Plotly.purge(old); old.remove(); });
            const chart = document.createElement('div');
            chart.id = 'chart';
            document.body.appendChild(chart);
            await Plotly.newPlot(chart, spec.data, {...spec.layout, width, height}, {staticPlot: true});
        }""",
        [json.loads(figure.to_json()), width, height],
    )
    return chart_problems(page.evaluate(MEASURE_JS, "#chart"))
