"""Diagrams of a workflow: Mermaid text, and a self-contained SVG from our own layout.

No Graphviz: the SVG uses a simple layered layout (columns by BFS depth from the
initial state), good enough for workflows of a dozen or two states.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from app.engine.model import WorkflowDefinition

HIGHLIGHT_FILL = "#ffdd00"  # GOV.UK focus yellow
_BOX_H = 44
_ROW_GAP = 36
_COL_GAP = 150
_MARGIN = 40
_CHAR_W = 7.5


def mermaid(defn: WorkflowDefinition, highlight: str | None = None) -> str:
    """A Mermaid stateDiagram-v2 of the definition; `highlight` names a state to mark."""
    lines = ["stateDiagram-v2"]
    for state in defn.states.values():
        title = state.title.replace('"', "#quot;")
        lines.append(f'    state "{title}" as {state.name}')
    lines.append(f"    [*] --> {defn.initial}")
    for (source, dest), triggers in _edges(defn).items():
        lines.append(f"    {source} --> {dest} : {', '.join(triggers)}")
    lines.extend(f"    {s.name} --> [*]" for s in defn.states.values() if s.final)
    # Unknown states are ignored rather than rejected: a stale link should still draw.
    if highlight in defn.states:
        lines.append(
            f"    classDef highlight fill:{HIGHLIGHT_FILL},stroke:#0b0c0c,stroke-width:3px"
        )
        lines.append(f"    class {highlight} highlight")
    return "\n".join(lines) + "\n"


def _edges(defn: WorkflowDefinition) -> dict[tuple[str, str], list[str]]:
    """Triggers grouped by (source, dest), so "*" transitions draw one arrow per pair."""
    edges: dict[tuple[str, str], list[str]] = {}
    for t in defn.transitions:
        for source in t.sources:
            triggers = edges.setdefault((source, t.dest), [])
            if t.trigger not in triggers:
                triggers.append(t.trigger)
    return edges


@dataclass(frozen=True, slots=True)
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _columns(defn: WorkflowDefinition) -> list[list[str]]:
    """States grouped by BFS depth from the initial state, in definition order."""
    depth = {defn.initial: 0}
    queue = deque([defn.initial])
    while queue:
        here = queue.popleft()
        for t in defn.transitions:
            if here in t.sources and t.dest not in depth:
                depth[t.dest] = depth[here] + 1
                queue.append(t.dest)
    last = max(depth.values()) + 1
    columns: list[list[str]] = [[] for _ in range(last + 1)]
    for name in defn.states:
        # Unreachable states cannot pass validation, but draw them rather than crash.
        columns[depth.get(name, last)].append(name)
    return [c for c in columns if c]


def _layout(defn: WorkflowDefinition) -> tuple[dict[str, _Box], float, float]:
    boxes: dict[str, _Box] = {}
    x = _MARGIN + 30.0  # room for the initial-state dot
    height = 0.0
    for column in _columns(defn):
        width = max(110.0, *(len(defn.states[n].title) * _CHAR_W + 28 for n in column))
        for row, name in enumerate(column):
            y = _MARGIN + row * (_BOX_H + _ROW_GAP)
            boxes[name] = _Box(x, y, width, _BOX_H)
            height = max(height, y + _BOX_H)
        x += width + _COL_GAP
    return boxes, x - _COL_GAP + _MARGIN, height


def _edge_svg(
    a: _Box, b: _Box, label: str, bottom: float, k: int, cls: str, arrow: str
) -> tuple[str, float]:
    """Path and label for one edge; returns the SVG and the lowest y it reaches."""
    if a is b:
        x0, y0 = a.x + a.w * 0.7, a.y
        d = f"M{x0:.1f},{y0:.1f} C{x0 - 10:.1f},{y0 - 40:.1f} {x0 + 40:.1f},{y0 - 40:.1f} "
        d += f"{x0 + 20:.1f},{y0:.1f}"
        lx, ly, low = x0 + 15, y0 - 34, y0
    elif b.x > a.x:
        x0, y0, x3, y3 = a.x + a.w, a.cy, b.x, b.cy
        mid = (x0 + x3) / 2
        d = f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y3:.1f} {x3:.1f},{y3:.1f}"
        lx, ly, low = mid, (y0 + y3) / 2 - 4, max(y0, y3)
    else:
        # Backward or same-column edges loop under everything, each a little lower.
        drop = bottom + 30 + 18 * k
        x0, y0, x3, y3 = a.cx, a.y + a.h, b.cx + 8, b.y + b.h
        d = f"M{x0:.1f},{y0:.1f} C{x0:.1f},{drop:.1f} {x3:.1f},{drop:.1f} {x3:.1f},{y3:.1f}"
        lx, ly, low = (x0 + x3) / 2, (y0 + y3) / 8 + drop * 3 / 4 - 4, drop
    path = f'<path class="{cls}" d="{d}" marker-end="url(#{arrow})"/>'
    text = f'<text class="label" x="{lx:.1f}" y="{ly:.1f}">{escape(label)}</text>'
    return path + text, low


# app/web/scss/_app.scss repeats these rules under .app-diagram for the inline SVG.
_STYLE = (
    ".state{fill:#fff;stroke:#0b0c0c;stroke-width:1.5}"
    ".current{fill:" + HIGHLIGHT_FILL + ";stroke-width:3}"
    ".inner{fill:none}"
    ".edge{fill:none;stroke:#505a5f;stroke-width:1.3}"
    ".taken{stroke:#0b0c0c;stroke-width:2.5}"
    ".start{fill:#0b0c0c}.arrowhead{fill:#505a5f}"
    "text{font-family:Arial,Helvetica,sans-serif;font-size:13px;fill:#0b0c0c}"
    ".title{text-anchor:middle;dominant-baseline:middle}"
    ".label{text-anchor:middle;font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:4}"
)


def svg(
    defn: WorkflowDefinition,
    highlight: str | None = None,
    *,
    taken: frozenset[tuple[str, str]] = frozenset(),
    page_id: str | None = None,
) -> str:
    """An SVG of the definition; `highlight` fills a state, `taken` marks (source, dest) edges.

    Alone (the API) it is self-contained with its own <style>. With `page_id` it is for
    inlining in a page: no <style> or style= (the app stylesheet styles the same classes
    under .app-diagram, so the CSP needs no exception), every id prefixed with `page_id`,
    and no fixed size (the page's scrollable region sizes it).
    """
    prefix = f"{page_id}-" if page_id else ""
    arrow = f"{prefix}arrow"
    boxes, width, bottom = _layout(defn)
    parts: list[str] = []
    low = bottom
    back = 0
    for (source, dest), triggers in _edges(defn).items():
        a, b = boxes[source], boxes[dest]
        is_back = a is not b and b.x <= a.x
        cls = "edge taken" if (source, dest) in taken else "edge"
        drawn, reached = _edge_svg(a, b, ", ".join(triggers), bottom, back, cls, arrow)
        back += is_back
        low = max(low, reached)
        parts.append(drawn)
    for name, box in boxes.items():
        parts.append(_state_svg(defn, name, box, highlight == name, prefix))
    start = boxes[defn.initial]
    parts.append(f'<circle class="start" cx="{_MARGIN:.1f}" cy="{start.cy:.1f}" r="7"/>')
    parts.append(
        f'<path class="edge" d="M{_MARGIN + 7:.1f},{start.cy:.1f} H{start.x:.1f}"'
        f' marker-end="url(#{arrow})"/>'
    )
    height = low + _MARGIN
    title = f"{escape(defn.title)} (version {escape(defn.version)})"
    view = f'viewBox="0 0 {width:.0f} {height:.0f}"'
    if page_id:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" {view} class="app-diagram__svg"'
            f' role="img" aria-labelledby="{prefix}title"><title id="{prefix}title">{title}</title>'
        )
    else:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
            f' {view} role="img"><title>{title}</title><style>{_STYLE}</style>'
        )
    head += (
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8"'
        ' markerHeight="8" orient="auto-start-reverse"><path class="arrowhead"'
        ' d="M0,0 L10,5 L0,10 z"/></marker></defs>'
    )
    return head + "".join(parts) + "</svg>\n"


def _state_svg(
    defn: WorkflowDefinition, name: str, box: _Box, current: bool, prefix: str = ""
) -> str:
    state = defn.states[name]
    cls = "state current" if current else "state"
    out = [
        f"<g id={quoteattr(prefix + 'state-' + name)}>"
        f"<title>{escape(state.description or state.title)}</title>"
        f'<rect class="{cls}" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}"'
        f' height="{box.h:.1f}" rx="8"/>'
    ]
    if state.final:
        # Double border marks a final state, as in UML.
        out.append(
            f'<rect class="{cls} inner" x="{box.x + 4:.1f}" y="{box.y + 4:.1f}"'
            f' width="{box.w - 8:.1f}" height="{box.h - 8:.1f}" rx="5"/>'
        )
    out.append(
        f'<text class="title" x="{box.cx:.1f}" y="{box.cy:.1f}">{escape(state.title)}</text></g>'
    )
    return "".join(out)
