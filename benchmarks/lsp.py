"""How fast ``convlint server`` answers after an edit in a 1,000-line model file.

A real client (pygls) starts the server as an editor does (``python -m convlint server``),
opens a generated file of 29 PyTorch model classes (1,021 lines, each class a 6-conv network
with its ``forward`` and an example call at the end), then edits one class again and again,
in two ways (each in its own server): one argument changed in place, and one or two lines typed
in (so every line below moves, and with it every position the server knows).  It measures:

- ``answer``: from sending the edit to receiving the inlay hints of the whole file (the
  request makes the server analyse the edited text at once, without waiting for the pause);
- ``publish``: from sending the edit to receiving the new diagnostics (includes the server's
  debounce pause, ``--debounce``, 0.05 s by default).

Also printed, for the machine's load at the time (these machines are shared): Python's own
``ast.parse`` and ``libcst.parse_module`` of the same file in this process, and the in-process
cost of one edit's analysis with the statement parse cache and with a full libcst parse.

    python benchmarks/lsp.py                 # 20 edits
    python benchmarks/lsp.py --repeat 50
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def model_file(lines: int = 1000) -> str:
    """A long file of model classes, the kind a model zoo module is."""

    def model(i: int) -> List[str]:
        w = 8 + i % 5 * 8
        out = [f"class Net{i}(nn.Module):", f'    """Model {i}: a small convnet."""', "", "    def __init__(self, num_classes=10):", "        super().__init__()"]
        for j in range(6):
            out.append(f"        self.conv{j} = nn.Conv2d({3 if j == 0 else w}, {w}, 3, padding=1)")
            out.append(f"        self.bn{j} = nn.BatchNorm2d({w})")
        out += ["        self.pool = nn.MaxPool2d(2)", f"        self.fc = nn.Linear({w} * 4 * 4, num_classes)", "", "    def forward(self, x):"]
        for j in range(6):
            out.append(f"        x = F.relu(self.bn{j}(self.conv{j}(x)))")
            if j % 2 == 1:
                out.append("        x = self.pool(x)")
        return out + ["        x = torch.flatten(x, 1)", "        return self.fc(x)", "", ""]

    out = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F", "", ""]
    count = 0
    while len(out) < lines - 40:
        out += model(count)
        count += 1
    out += ["if __name__ == '__main__':"] + [f"    Net{k}()(torch.randn(1, 3, 32, 32))" for k in range(count)]
    return "\n".join(out) + "\n"


def _best(f: Callable[[], object], n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def _edited(text: str, k: int) -> str:
    """Edit ``k``: one argument of one layer of ``Net7`` changed in place."""
    lines = text.splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if "class Net7(" in line)
    fc = next(i for i in range(target, len(lines)) if "self.fc = nn.Linear(" in lines[i])
    lines[fc] = lines[fc].replace("num_classes)", f"num_classes + {k})") if "num_classes)" in lines[fc] else lines[fc]
    return "".join(lines)


def _lines_added(text: str, k: int) -> str:
    """Edit ``k``: one or two comment lines typed into ``Net1``, so every line below moves
    (by a different count from the edit before)."""
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "class Net1(" in line) + 5
    return "".join(lines[:at] + [f"        # edit {k}\n"] * (1 + k % 2) + lines[at:])


EDITS = {"in place": _edited, "lines added": _lines_added}


async def _session(path: Path, text: str, repeat: int, debounce: float, edit: Callable[[str, int], str]) -> dict:
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("convlint-benchmark", "1")
    published = asyncio.Event()
    latest: dict = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        latest["at"] = time.perf_counter()
        published.set()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "convlint", "server", env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), initialization_options={"debounce": debounce}))
    client.initialized(lsp.InitializedParams())
    uri = path.as_uri()
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(text.splitlines()) + 1, character=0))
    t0 = time.perf_counter()
    published.clear()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    await published.wait()
    cold = time.perf_counter() - t0
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole))
    answers, publishes = [], []
    version = 1
    for k in range(repeat):
        for measure in ("answer", "publish"):
            version += 1
            new = edit(text, version)
            published.clear()
            t = time.perf_counter()
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=new)],
                )
            )
            if measure == "answer":
                await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole))
                answers.append(time.perf_counter() - t)
                await published.wait()  # let the debounced publication of this edit pass
            else:
                await published.wait()
                publishes.append(latest["at"] - t)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"cold": cold, "answers": answers, "publishes": publishes, "hints": len(hints or [])}


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--debounce", type=float, default=0.05)
    args = parser.parse_args(argv)

    text = model_file()
    import libcst

    from convlint.lsp.analysis import Project, analyse

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "models.py"  # never written: the server analyses the buffer
        results = {kind: asyncio.run(_session(path, text, args.repeat, args.debounce, edit)) for kind, edit in EDITS.items()}
        result = results["in place"]

        project = Project()
        analyse(project, str(path), [(path.as_uri(), text)], False)
        edits = iter(range(10**6))
        cached = _best(lambda: analyse(project, str(path), [(path.as_uri(), _edited(text, next(edits)))], False))
        for checker in project._checkers.values():
            checker.parse = None
        full = _best(lambda: analyse(project, str(path), [(path.as_uri(), _edited(text, next(edits)))], False))

    lines = text.count("\n")
    print(f"file: {lines} lines, {len(text):,} bytes, {result['hints']} inlay hints")
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; in this process ast.parse {_best(lambda: ast.parse(text)) * 1000:.0f} ms, "
          f"libcst.parse_module {_best(lambda: libcst.parse_module(text), 3) * 1000:.0f} ms")
    print(f"server, cold open -> diagnostics: {result['cold'] * 1000:.0f} ms (process start and imports included)")
    for kind, found in results.items():
        print(f"server, edit ({kind}) -> inlay hints of the file ({args.repeat} edits): median {statistics.median(found['answers']) * 1000:.0f} ms, "
              f"max {max(found['answers']) * 1000:.0f} ms")
        print(f"server, edit ({kind}) -> diagnostics published (debounce {args.debounce * 1000:.0f} ms): "
              f"median {statistics.median(found['publishes']) * 1000:.0f} ms, max {max(found['publishes']) * 1000:.0f} ms")
    print(f"in process, one edit analysed: {cached * 1000:.0f} ms with the statement parse cache, {full * 1000:.0f} ms parsing the whole file (best of 5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
