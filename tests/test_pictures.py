"""``--format mermaid`` and ``--format html`` (structure; tests/test_browser.py renders them),
and ``--output``."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Tuple


from convlint.cli import main
from convlint.output.mermaid import escape

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = str(ROOT / "fixtures")
NASTY_NAME = 'q"<x>#1&%`;end'
NASTY = f"""\
import keras
from keras import layers

inputs = keras.Input(shape=(8, 8, 3), name="in (1)")
a = layers.Conv2D(4, 3, padding="same", name={NASTY_NAME!r})(inputs)
b = layers.Conv2D(4, 1, name="b[0] {{x}} -> y")(inputs)
model = keras.Model(inputs, layers.Add(name="<merge>")([a, b]))
"""

NODE = re.compile(r'^  (n\d+)(?:\(\["([^"]*)"\]\)|\["([^"]*)"\]|\{\{"([^"]*)"\}\})$')
EDGE = re.compile(r"^  (n\d+) --> (n\d+)$")
CLASSDEF = re.compile(r"^  classDef (error|warning|uncalled) [a-z-]+:[^,]+(?:,[a-z-]+:[^,]+)*$")
CLASS = re.compile(r"^  class (n\d+(?:,n\d+)*) (error|warning|uncalled)$")
ENTITY = re.compile(r"#(quot|lt|gt|amp|\d+);")
BLOCK = re.compile(r"^### ([^\n]+)\n\n```mermaid\n(.*?)```\n", re.M | re.S)


def run(argv: List[str], capsys) -> Tuple[int, str]:
    code = main(["--no-cache", "--jobs", "1", *argv])
    return code, capsys.readouterr().out


def decode(label_part: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    return ENTITY.sub(lambda m: named.get(m.group(1)) or chr(int(m.group(1))), label_part)


def parse_flowchart(text: str) -> Dict[str, object]:
    """A small grammar of what convlint writes: nodes (stadium, box, hexagon), edges, classes."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: Dict[str, Tuple[str, List[str]]] = {}
    edges: List[Tuple[str, str]] = []
    classes: Dict[str, str] = {}
    defined = set()
    for line in lines[1:]:
        if m := NODE.match(line):
            shape = "input" if m.group(2) is not None else "box" if m.group(3) is not None else "join"
            label = next(g for g in m.groups()[1:] if g is not None)
            parts = label.split("<br/>")
            for part in parts:  # everything Mermaid gives a meaning to is an entity code
                assert not re.search(r'[<>"`%]', part) and "#" not in ENTITY.sub("", part), line
            nodes[m.group(1)] = (shape, [decode(p) for p in parts])
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
        elif m := CLASSDEF.match(line):
            defined.add(m.group(1))
        elif m := CLASS.match(line):
            assert m.group(2) in defined, line
            for key in m.group(1).split(","):
                classes[key] = m.group(2)
        else:
            raise AssertionError(f"not convlint's flowchart grammar: {line!r}")
    for a, b in edges:
        assert a in nodes and b in nodes
    incoming = {k: sum(1 for _, b in edges if b == k) for k in nodes}
    for key, (shape, _) in nodes.items():
        assert (shape == "join") == (incoming[key] > 1), key  # a merge is a join, and only a merge
        assert (shape == "input") <= (incoming[key] == 0)
    assert set(classes) <= set(nodes)
    return {"nodes": nodes, "edges": edges, "classes": classes}


def test_escape_leaves_nothing_mermaid_reads():
    assert escape('a"b<c>#1&`%\nz') == "a#quot;b#lt;c#gt;#35;1#amp;#96;#37; z"
    assert decode(escape(NASTY_NAME)) == NASTY_NAME


def test_mermaid_of_every_fixture_follows_the_grammar(capsys, tmp_path):
    nasty = tmp_path / "nasty.py"
    nasty.write_text(NASTY)
    _, out = run(["--format", "mermaid", FIXTURES, str(nasty)], capsys)
    _, report = run(["--format", "json", FIXTURES, str(nasty)], capsys)
    models = json.loads(report)["models"]
    blocks = BLOCK.findall(out)
    assert len(blocks) == len(models) > 40
    assert "".join(f"### {t}\n\n```mermaid\n{b}```\n" for t, b in blocks) == out.replace("\n\n###", "\n###")
    joins = 0
    for (title, text), model in zip(blocks, models):
        assert title.startswith(f"{model['name']} ({model['framework']}, ")
        chart = parse_flowchart(text)
        nodes = chart["nodes"]
        inputs = [k for k, (shape, _) in nodes.items() if shape == "input"]
        assert len(nodes) - len(inputs) == len(model["layers"]), title
        for (shape, label), layer in zip([v for k, v in nodes.items() if k not in inputs], model["layers"]):
            assert label[0] == f"{layer['name']}: {layer['type']}"
        joins += sum(1 for shape, _ in nodes.values() if shape == "join")
        if model["name"] == "features":  # bad_pool_too_deep: the CL101 layer is the red one
            assert [nodes[k][1][0] for k, c in chart["classes"].items() if c == "error"] == ["5: Conv2d"]
        if model["name"] == "model" and str(nasty) in title:
            labels = [label[0] for _, label in nodes.values()]
            assert f"{NASTY_NAME}: Conv2D" in labels and "<merge>: Add" in labels and "in (1): Input" in labels
    assert joins >= 10


class _Page(HTMLParser):
    """Sections, diagram sources, table rows and diagnostics of the HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: List[Dict[str, object]] = []
        self.stack: List[str] = []
        self.scripts: List[Dict[str, str]] = []
        self.urls: List[str] = []
        self._pre = False

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, str]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if key in a and not a[key].startswith(("data:", "#")):
                self.urls.append(a[key])
        if tag == "script":
            self.scripts.append(a)
        if tag == "section":
            self.sections.append({"model": a.get("data-model"), "mermaid": "", "rows": [], "diagnostics": 0, "sources": []})
        elif tag == "pre" and "mermaid" in a.get("class", ""):
            self._pre = True
        elif tag == "tr" and "data-node" in a:
            self.sections[-1]["rows"].append(a.get("class", ""))
        elif tag == "pre" and a.get("class") == "source":
            self.sections[-1]["sources"].append("")
            self._pre = "source"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = False

    def handle_data(self, data: str) -> None:
        if self._pre is True:
            self.sections[-1]["mermaid"] += data
        elif self._pre == "source":
            self.sections[-1]["sources"][-1] += data


def test_html_report_is_one_self_contained_page(capsys, tmp_path):
    page_path = tmp_path / "report.html"
    code, out = run(["--format", "html", "--output", str(page_path), "--why", FIXTURES], capsys)
    assert code == 1 and out == ""  # the report went to the file
    text = page_path.read_text(encoding="utf-8")
    _, mermaid = run(["--format", "mermaid", FIXTURES], capsys)
    _, report = run(["--format", "json", FIXTURES], capsys)
    models = json.loads(report)["models"]
    page = _Page()
    page.feed(text)
    assert page.urls == []  # nothing fetched at view time
    assert len(page.scripts) == 2 and "mermaid.initialize" in text
    blocks = [b for _, b in BLOCK.findall(mermaid)]
    sections = [s for s in page.sections if s["model"] is not None]
    assert len(sections) == len(models) == len(blocks)
    for section, model, block in zip(sections, models, blocks):
        assert section["model"] == model["name"]
        assert section["mermaid"] == block  # the same flowchart as --format mermaid
        assert len(section["rows"]) == len(model["layers"])
    bad = next(s for s in sections if s["model"] == "features")
    assert bad["rows"][-1] == "error"
    assert any("nn.Conv2d(8, 8, 3),  # expect: non-positive-dim" in src for src in bad["sources"])
    assert "<th>Parameters</th><th>MACs</th>" in text and 'class="bar" data-value="57344"' in text  # conv 0's MACs
    assert 'class="bar" data-value="584"' in text and "output: (2 + 2·0 − 3) // 1 + 1 = 0 ≤ 0" in html.unescape(text)


def test_output_writes_any_format_to_a_file(capsys, tmp_path):
    path = str(ROOT / "fixtures" / "keras" / "seed_examples.py")
    for fmt in ("text", "json", "mermaid"):
        target = tmp_path / f"out.{fmt}"
        _, stdout = run(["--format", fmt, path], capsys)
        code, nothing = run(["--format", fmt, "--output", str(target), path], capsys)
        assert nothing == "" and target.read_text(encoding="utf-8") == stdout and code == 0
    code = main(["--no-cache", "--output", str(tmp_path / "missing" / "x.txt"), path])
    assert code == 2 and "cannot write" in capsys.readouterr().err
