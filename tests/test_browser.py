"""The pictures in a real browser: headless Chromium (Debian's ``chromium``; ``.ci/run``
installs it) renders the HTML report and the ``--format mermaid`` blocks with the Mermaid
library convlint embeds, and takes a screenshot of a report.

Without Chromium these tests skip, except under ``CONVLINT_REQUIRE_ORACLE`` (CI), where they
fail: a report nobody has seen drawn is not tested.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from convlint.cli import main
from convlint.output.html import VENDOR

sys.path.insert(0, os.path.dirname(__file__))
from test_pictures import BLOCK, NASTY, NASTY_NAME  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REPORTED = [
    FIXTURES / "keras" / name for name in ("functional_branches.py", "seed_examples.py", "squeeze_excite.py", "bad_models.py")
] + [FIXTURES / "torch" / name for name in ("unet_bad_cat.py", "bad_pool_too_deep.py", "resnet_small.py", "aux_classifier.py")]
"""The HTML report drawn in the browser: merges, errors, both frameworks (every fixture's
flowchart is drawn by the Mermaid-block test)."""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CONVLINT_REQUIRE_ORACLE"):
        pytest.fail("Chromium is not installed (CI installs Debian's chromium package in .ci/run)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=30000", *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _convlint(argv: List[str], capsys) -> str:
    main(["--no-cache", "--jobs", "1", *argv])
    return capsys.readouterr().out


def _sections(dom: str) -> List[str]:
    return dom.split('<section class="model"')[1:]


def test_the_html_report_draws_every_diagram(tmp_path, capsys):
    nasty = tmp_path / "nasty.py"
    nasty.write_text(NASTY)
    page = tmp_path / "report.html"
    paths = [*map(str, REPORTED), str(nasty)]
    _convlint(["--format", "html", "--why", "--output", str(page), *paths], capsys)
    models = json.loads(_convlint(["--format", "json", *paths], capsys))["models"]
    blocks = [b for _, b in BLOCK.findall(_convlint(["--format", "mermaid", *paths], capsys))]
    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert 'data-diagrams="done"' in dom, "the page's script did not finish"
    assert "data-error=" not in dom, re.findall(r'data-error="([^"]*)"', dom)[:3]
    sections = _sections(dom)
    assert len(sections) == len(models) == len(blocks) > 10
    for section, model, block in zip(sections, models, blocks):
        assert 'data-rendered="true"' in section and "<svg" in section, model["name"]
        drawn = re.findall(r'<g class="node[^"]*" id="[^"]*flowchart-(n\d+)-', section)
        declared = re.findall(r"^  (n\d+)[\[({]", block, re.M)
        assert sorted(drawn) == sorted(declared), model["name"]
        edges = re.findall(r"^  n\d+ --> n\d+$", block, re.M)
        assert len(re.findall(r'<path[^>]*class="[^"]*flowchart-link', section)) == len(edges), model["name"]
    bad = next(s for s, m in zip(sections, models) if m["name"] == "features")
    red = re.findall(r'<g class="node[^"]*\berror\b[^"]*" id="[^"]*flowchart-(n\d+)-', bad)
    assert red == ["n6"]  # the input is n0, the sixth layer "5: Conv2d" is n6
    nasty_svg = sections[[m["path"] for m in models].index(str(nasty))]
    labels = html.unescape(re.sub(r"<[^>]+>", "\n", nasty_svg))
    assert f"{NASTY_NAME}: Conv2D" in labels and "<merge>: Add" in labels


def test_every_mermaid_block_parses_and_renders(tmp_path, capsys):
    """The blocks of ``--format mermaid``, exactly as printed, through Mermaid's own parser and
    renderer (the library file the HTML report embeds, loaded from disk)."""
    nasty = tmp_path / "nasty.py"
    nasty.write_text(NASTY)
    blocks = [b for _, b in BLOCK.findall(_convlint(["--format", "mermaid", str(FIXTURES), str(nasty)], capsys))]
    page = tmp_path / "blocks.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><ol id='out'></ol>"
        f"<script src='{Path(VENDOR).as_uri()}'></script><script>"
        f"const blocks = {json.dumps(blocks)};"
        """
        (async () => {
          mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
          const out = document.getElementById("out");
          for (let i = 0; i < blocks.length; i++) {
            const li = document.createElement("li");
            try {
              await mermaid.parse(blocks[i]);  // throws on a syntax error
              const {svg} = await mermaid.render("b" + i, blocks[i]);
              li.dataset.ok = svg.includes("<svg") ? "yes" : "no svg";
            } catch (err) { li.dataset.ok = "error: " + String(err && err.message || err); }
            out.appendChild(li);
          }
          document.body.dataset.done = String(blocks.length);
        })();
        </script></body></html>""",
        encoding="utf-8",
    )
    dom = _run_chromium(tmp_path, "--allow-file-access-from-files", "--dump-dom", page.as_uri()).stdout
    assert f'data-done="{len(blocks)}"' in dom
    results = re.findall(r'<li data-ok="([^"]*)"', dom)
    assert results == ["yes"] * len(blocks) and len(blocks) > 40, [r for r in results if r != "yes"][:3]


def test_a_screenshot_of_a_report_shows_the_error(tmp_path, capsys):
    pil = pytest.importorskip("PIL.Image")
    page = tmp_path / "report.html"
    _convlint(["--format", "html", "--why", "--output", str(page), str(FIXTURES / "torch" / "bad_pool_too_deep.py")], capsys)
    shot = tmp_path / "report.png"
    _run_chromium(tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    image = pil.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    counts = {rgb: n for n, rgb in colours}

    def near(target, tolerance=6):
        return sum(n for rgb, n in counts.items() if all(abs(a - b) <= tolerance for a, b in zip(rgb, target)))

    assert near((0xFD, 0xEC, 0xEA)) > 5_000  # the error fill: the red node and its table row
    assert near((0xC6, 0x28, 0x28), 40) > 200  # its red border and the red formula
    assert near((0x4C, 0x8E, 0xDA), 20) > 1_000  # the parameter bars
    ink = sum(n for rgb, n in counts.items() if sum(rgb) < 300)
    assert ink > 10_000  # text and diagram strokes, not a blank page
