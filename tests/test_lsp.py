"""End to end: a real LSP client (pytest-lsp) talking to ``convlint server`` over stdio.

Each test starts the server as a user's editor does (``python -m convlint server``), opens
documents whose text exists only in the editor (nothing is written to disk unless a test
needs a configuration there), and checks what comes back: diagnostics on open and change,
inlay hints, hovers, code actions (checked fixes and a declared input shape), notebooks
synced cell by cell and opened as JSON, and a fixture typed keystroke by keystroke.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Callable, List

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from convlint.fix import apply_edits  # noqa: E402
from convlint.edits import Edit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "data" / "fix"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "convlint", "server"], server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=tmp_path.as_uri(),
        initialization_options={"debounce": 0.02},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str, ready: Callable[[List[lsp.Diagnostic]], bool], timeout: float = 60) -> List[lsp.Diagnostic]:
    """The first published diagnostics of ``uri`` that satisfy ``ready``."""

    async def wait() -> List[lsp.Diagnostic]:
        while not (uri in client.diagnostics and ready(list(client.diagnostics[uri]))):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), timeout)


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1, language: str = "python") -> None:
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


LENET = (FIX / "broken" / "torch_linear_in_features.py").read_text()


@pytest.mark.asyncio
async def test_diagnostics_from_the_buffer_on_open_and_change(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "lenet.py"  # never written: the editor's buffer is analysed
    uri = path.as_uri()
    open_doc(client, uri, LENET)
    found = await diagnostics_for(client, uri, lambda ds: any(d.code == "CL103" for d in ds))
    (d,) = [d for d in found if d.code == "CL103"]
    assert d.severity == lsp.DiagnosticSeverity.Error and d.source == "convlint"
    assert d.message.startswith("Linear(in_features=256) does not match its input: axis 1 has size 400")
    assert (d.range.start.line, d.range.start.character) == (19, 19)  # self.fc1(x), where PyTorch raises
    (related,) = d.related_information  # self.fc1 = nn.Linear(...), where it is defined
    assert (related.location.uri, related.location.range.start.line, related.message) == (uri, 11, "Linear 'fc1' is defined here")
    change(client, uri, 2, LENET.replace("16 * 4 * 4", "16 * 5 * 5"))
    await diagnostics_for(client, uri, lambda ds: not any(d.code == "CL103" for d in ds))
    assert not path.exists()


@pytest.mark.asyncio
async def test_project_configuration_is_honoured(client: LanguageClient, tmp_path: Path) -> None:
    source = (FIX / "fixed" / "torch_linear_in_features.py").read_text()
    (tmp_path / "default").mkdir()
    plain = (tmp_path / "default" / "lenet.py").as_uri()
    open_doc(client, plain, source)
    found = await diagnostics_for(client, plain, lambda ds: bool(ds))
    assert [(d.code, d.severity) for d in found] == [("CL203", lsp.DiagnosticSeverity.Warning)]
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pyproject.toml").write_text('[tool.convlint]\nper-rule-severity = { CL203 = "error" }\n')
    configured = (tmp_path / "project" / "lenet.py").as_uri()
    open_doc(client, configured, source)
    found = await diagnostics_for(client, configured, lambda ds: bool(ds))
    assert [(d.code, d.severity) for d in found] == [("CL203", lsp.DiagnosticSeverity.Error)]


@pytest.mark.asyncio
async def test_inlay_hints_show_shapes_and_parameters(client: LanguageClient, tmp_path: Path) -> None:
    keras_src = (ROOT / "fixtures" / "keras" / "mnist_convnet.py").read_text()
    uri = (tmp_path / "mnist.py").as_uri()
    open_doc(client, uri, keras_src)
    lines = keras_src.splitlines()
    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(lines), character=0)))
    )
    by_line = {h.position.line: h.label for h in hints}
    conv = next(i for i, line in enumerate(lines) if "Conv2D(32" in line)
    assert by_line[conv] == "→ (None, 26, 26, 32) · 320 params"
    assert all(h.position.character == len(lines[h.position.line]) for h in hints)

    torch_src = "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 16, 5)\n\n    def forward(self, x):\n        return self.conv(x)\n"
    uri2 = (tmp_path / "net.py").as_uri()
    open_doc(client, uri2, torch_src)
    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri2), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=20, character=0)))
    )
    assert [(h.position.line, h.label) for h in hints] == [(6, "→ (N, 16, H-4, W-4) · 1,216 params")]


@pytest.mark.asyncio
async def test_hover_explains_a_layer(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "lenet.py").as_uri()
    open_doc(client, uri, LENET)
    line = LENET.splitlines().index("        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)")
    result = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=line, character=25)))
    assert result is not None and result.contents.kind == lsp.MarkupKind.Markdown
    text = result.contents.value
    assert "**Conv2d** `conv2` · model `LeNet`" in text
    assert "| (2, 6, 14, 14) | (2, 16, 10, 10) | 2,400 | 16 | 2,416 |" in text  # the example's torch.randn(2, ...)
    assert "`weight` (16, 6, 5, 5) = 2,400 + `bias` (16,) = 16 = 2,416" in text
    # the --why formulas, as the catalogue computes them
    assert "(14 + 2·0 − 5) // 1 + 1 = 10" in text and "16·6·5·5 = 2,400" in text
    nothing = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=1)))
    assert nothing is None


async def actions_at(client: LanguageClient, uri: str, line: int) -> List[lsp.CodeAction]:
    rng = lsp.Range(start=lsp.Position(line=line, character=0), end=lsp.Position(line=line, character=0))
    got = await client.text_document_code_action_async(
        lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng, context=lsp.CodeActionContext(diagnostics=[]))
    )
    return list(got or [])


def _apply(text: str, edits: List[lsp.TextEdit]) -> str:
    """TextEdits (ASCII test sources: code units are characters) applied to ``text``."""
    return apply_edits(text, [Edit(e.range.start.line + 1, e.range.start.character + 1, e.range.end.line + 1, e.range.end.character + 1, e.new_text) for e in edits])


@pytest.mark.asyncio
async def test_code_actions_apply_the_checked_fixes(client: LanguageClient, tmp_path: Path) -> None:
    for name in ("torch_linear_in_features.py", "torch_flatten_forward.py", "keras_padding_same.py"):
        source = (FIX / "broken" / name).read_text()
        uri = (tmp_path / name).as_uri()
        open_doc(client, uri, source)
        found = await diagnostics_for(client, uri, lambda ds: any(d.code in ("CL101", "CL103") for d in ds))
        line = next(d.range.start.line for d in found if d.code in ("CL101", "CL103"))
        actions = [a for a in await actions_at(client, uri, line) if a.edit is not None]
        assert actions, name
        action = actions[0]
        assert action.kind == lsp.CodeActionKind.QuickFix and action.diagnostics
        (edits,) = action.edit.changes.values()
        assert _apply(source, edits) == (FIX / "fixed" / name).read_text(), name
        assert action.is_preferred == ("unsafe" not in action.title)


@pytest.mark.asyncio
async def test_code_actions_rewrite_a_legacy_keras_spelling(client: LanguageClient, tmp_path: Path) -> None:
    for name, safe in (("keras_legacy_leaky_relu.py", True), ("keras_legacy_kernel_runs.py", False)):
        source = (FIX / "broken" / name).read_text()
        uri = (tmp_path / name).as_uri()
        open_doc(client, uri, source)
        found = await diagnostics_for(client, uri, lambda ds: any(d.code == "CL401" for d in ds))
        line = min(d.range.start.line for d in found if d.code == "CL401")
        (action,) = [a for a in await actions_at(client, uri, line) if a.edit is not None]
        assert action.title.startswith("Use the Keras 3 spelling") and action.is_preferred == safe
        (edits,) = action.edit.changes.values()
        fixed_line = (FIX / "fixed" / name).read_text().splitlines()[line]
        assert _apply(source, edits).splitlines()[line] == fixed_line != source.splitlines()[line], name


@pytest.mark.asyncio
async def test_code_action_declares_a_missing_input_shape(client: LanguageClient, tmp_path: Path) -> None:
    source = "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 16, 5)\n\n    def forward(self, x):\n        return self.conv(x)\n"
    uri = (tmp_path / "net.py").as_uri()
    open_doc(client, uri, source)
    found = await diagnostics_for(client, uri, lambda ds: any(d.code == "CL904" for d in ds))
    (d,) = [d for d in found if d.code == "CL904"]
    (action,) = await actions_at(client, uri, d.range.start.line)
    assert action.title == "Declare the input shape of Net: # convlint: input-shape=(3, H, W) (CL904)"
    (edits,) = action.edit.changes.values()
    assert _apply(source, edits).splitlines()[3:5] == ["# convlint: input-shape=(3, H, W)", "class Net(nn.Module):"]


def _notebook_cells() -> List[str]:
    return [
        "import torch\nfrom torch import nn\n",
        "%matplotlib inline\nmodel = nn.Sequential(\n    nn.Conv2d(3, 8, 3),\n    nn.BatchNorm2d(16),\n)\n",
        "model(torch.randn(2, 3, 8, 8))\n",
    ]


@pytest.mark.asyncio
async def test_notebook_cells_synced_as_a_notebook(client: LanguageClient, tmp_path: Path) -> None:
    nb_uri = (tmp_path / "nb.ipynb").as_uri()
    cells = _notebook_cells()
    cell_uris = [f"vscode-notebook-cell:{tmp_path / 'nb.ipynb'}#cell{i}" for i in range(len(cells))]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(
                uri=nb_uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[lsp.NotebookCell(kind=lsp.NotebookCellKind.Code, document=u) for u in cell_uris],
            ),
            cell_text_documents=[lsp.TextDocumentItem(uri=u, language_id="python", version=1, text=t) for u, t in zip(cell_uris, cells)],
        )
    )
    found = await diagnostics_for(client, cell_uris[1], lambda ds: any(d.code == "CL103" for d in ds))
    (d,) = [d for d in found if d.code == "CL103"]
    assert (d.range.start.line, d.range.start.character) == (3, 4)
    assert list(client.diagnostics.get(cell_uris[0], [None])) == []
    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=cell_uris[1]), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=9, character=0)))
    )
    assert [(h.position.line, h.label) for h in hints][:1] == [(2, "→ (2, 8, 6, 6) · 224 params")]  # the example's batch
    (action,) = [a for a in await actions_at(client, cell_uris[1], 3) if a.edit is not None]
    assert {uri: list(edits) for uri, edits in action.edit.changes.items()} == {
        cell_uris[1]: [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=3, character=19), end=lsp.Position(line=3, character=21)), new_text="8")]
    }


@pytest.mark.asyncio
async def test_notebook_opened_as_json_text(client: LanguageClient, tmp_path: Path) -> None:
    doc = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c.splitlines(keepends=True)} for c in _notebook_cells()],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(doc, indent=1) + "\n"
    uri = (tmp_path / "nb.ipynb").as_uri()
    open_doc(client, uri, text, language="json")
    found = await diagnostics_for(client, uri, lambda ds: any(d.code == "CL103" for d in ds))
    (d,) = [d for d in found if d.code == "CL103"]
    line = text.splitlines()[d.range.start.line]
    assert '"    nn.BatchNorm2d(16),\\n"' in line and line[d.range.start.character:].startswith("nn.BatchNorm2d(16)")


@pytest.mark.asyncio
async def test_typing_a_fixture_keystroke_by_keystroke(client: LanguageClient, tmp_path: Path) -> None:
    """Every prefix of a fixture (at most 400, evenly spaced, so the test stays bounded) is sent
    as an edit, with hover and inlay-hint requests in between: the server answers each, and
    ends with the diagnostics of the whole file."""
    source = LENET
    uri = (tmp_path / "typed.py").as_uri()
    open_doc(client, uri, "")
    step = max(1, len(source) // 400)
    cuts = list(range(1, len(source), step)) + [len(source)]
    for version, cut in enumerate(cuts, start=2):
        text = source[:cut]
        change(client, uri, version, text)
        if version % 25 == 0:  # force an analysis of this very prefix
            last = text.count("\n")
            await client.text_document_inlay_hint_async(
                lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=last + 1, character=0)))
            )
            await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=max(last - 1, 0), character=4)))
    found = await diagnostics_for(client, uri, lambda ds: any(d.code == "CL103" for d in ds))
    assert [d.code for d in found if d.severity == lsp.DiagnosticSeverity.Error] == ["CL103"]
    assert client.error is None


@pytest.mark.parametrize("name, codes", [("torch/lenet_bad_fc.py", {"CL103"}), ("keras/functional_branches.py", set())])
def test_every_prefix_is_answered_in_process(name: str, codes: set) -> None:
    """The features themselves on half-typed code: 150 evenly spaced prefixes of a fixture, each
    analysed and asked for diagnostics, hints, a hover and code actions (no server in between,
    so an exception would surface here rather than as a JSON-RPC error)."""
    from pygls.workspace.position_codec import PositionCodec

    from convlint.lsp import features
    from convlint.lsp.analysis import Project, analyse

    source = (ROOT / "fixtures" / name).read_text()
    project = Project()
    codec = PositionCodec()
    uri = "file:///prefix/" + name
    step = max(1, len(source) // 150)
    everything = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=10**4, character=0))
    for cut in list(range(0, len(source), step)) + [len(source)]:
        a = analyse(project, "/prefix/" + name, [(uri, source[:cut])], False)
        assert not [d for d in a.diagnostics if d.code == "CL999"], source[:cut]
        features.diagnostics(a, codec)
        features.inlay_hints(a, uri, everything, codec)
        last = source[:cut].count("\n")
        features.hover(a, uri, lsp.Position(line=max(last - 1, 0), character=10), codec)
        features.code_actions(a, uri, lsp.Range(start=lsp.Position(line=max(last - 1, 0), character=0), end=lsp.Position(line=last, character=0)), codec)
    # the whole file: its own findings, and a hint on every layer line
    assert {d.code for d in a.diagnostics} == codes
    assert len(features.inlay_hints(a, uri, everything, codec)) >= 5
