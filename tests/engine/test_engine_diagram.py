"""Mermaid text and the self-contained SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.engine import WorkflowDefinition, mermaid, svg

NS = "{http://www.w3.org/2000/svg}"


def test_mermaid_text(review: WorkflowDefinition) -> None:
    text = mermaid(review)
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> intake" in lines
    assert "    intake --> triaged : triage" in lines
    assert "    intake --> cancelled : cancel" in lines
    assert "    awaiting_approval --> approved : approve" in lines
    assert "    approved --> [*]" in lines
    assert "    cancelled --> [*]" in lines
    assert '    state "Approved & #quot;signed#quot;" as approved' in lines
    assert "classDef" not in text


def test_mermaid_highlight(review: WorkflowDefinition) -> None:
    text = mermaid(review, highlight="triaged")
    assert "    classDef highlight fill:#ffdd00,stroke:#0b0c0c,stroke-width:3px" in text
    assert text.rstrip().endswith("class triaged highlight")
    assert "classDef" not in mermaid(review, highlight="no_such_state")


def test_svg_is_xml_with_every_title(review: WorkflowDefinition) -> None:
    root = ET.fromstring(svg(review, highlight="decomposed"))
    assert root.tag == f"{NS}svg"
    texts = [t.text for t in root.iter(f"{NS}text")]
    for state in review.states.values():
        assert state.title in texts
    assert "Cancelled <withdrawn>" in texts
    assert "triage" in texts


def test_svg_final_double_border_and_highlight(review: WorkflowDefinition) -> None:
    root = ET.fromstring(svg(review, highlight="decomposed"))
    groups = {g.get("id"): g for g in root.iter(f"{NS}g")}
    assert len(list(groups["state-approved"].iter(f"{NS}rect"))) == 2
    assert len(list(groups["state-intake"].iter(f"{NS}rect"))) == 1
    highlighted = [
        g
        for g, el in groups.items()
        if any("current" in (r.get("class") or "") for r in el.iter(f"{NS}rect"))
    ]
    assert highlighted == ["state-decomposed"]
    plain = ET.fromstring(svg(review))
    assert not any("current" in (r.get("class") or "") for r in plain.iter(f"{NS}rect"))


def test_inline_svg_is_page_safe(review: WorkflowDefinition) -> None:
    text = svg(review, "triaged", taken=frozenset({("intake", "triaged")}), page_id="case-7")
    root = ET.fromstring(text)
    assert "<style" not in text and "style=" not in text
    assert root.get("width") is None and root.get("height") is None and root.get("viewBox")
    ids = [i for el in root.iter() if (i := el.get("id"))]
    assert ids and all(i.startswith("case-7-") for i in ids)
    assert "url(#case-7-arrow)" in text and root.get("aria-labelledby") == "case-7-title"
    taken = [p for p in root.iter(f"{NS}path") if "taken" in (p.get("class") or "")]
    assert len(taken) == 1
