"""``convlint server``: the language server (pygls, LSP over stdio).

Each open document (a file's buffer, or a notebook's code cells) is analysed from the editor's
text after a short pause in typing (``debounce``); a newer edit cancels the pending analysis,
and an analysis overtaken while it ran is never published.  Analyses run one at a time on a
worker thread, so the server keeps reading messages meanwhile.  Requests (inlay hints, hover,
code actions) answer from the analysis of the current text, made on the spot if the pause has
not ended yet.  Anything that goes wrong in an analysis becomes a diagnostic, never a crash.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from .. import __version__
from . import features
from .analysis import Analysis, Project, analyse

__all__ = ["ConvlintServer", "build_server", "DEBOUNCE"]

DEBOUNCE = 0.05
"""Seconds without an edit before a document is analysed (``initializationOptions.debounce``)."""

log = logging.getLogger(__name__)


def uri_path(uri: str) -> str:
    """The filesystem path of a ``file:`` URI (another scheme: its path, for configuration lookup)."""
    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return path or uri


class ConvlintServer(LanguageServer):
    """The server and the state of its open documents."""

    def __init__(self, plugins: Sequence[object] = ()) -> None:
        super().__init__(
            "convlint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=lsp.NotebookDocumentSyncOptions(
                notebook_selector=[
                    lsp.NotebookDocumentFilterWithCells(
                        notebook="jupyter-notebook", cells=[lsp.NotebookCellLanguage(language="python")]
                    )
                ]
            ),
        )
        self.debounce = DEBOUNCE
        self._plugins = plugins
        self._project: Optional[Project] = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convlint-analysis")
        self._latest: Dict[str, Analysis] = {}
        self._running: Dict[str, Tuple[Tuple[str, ...], "asyncio.Future[Analysis]"]] = {}
        self._pending: Dict[str, "asyncio.Task[None]"] = {}
        self._published: Dict[str, List[str]] = {}

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = Project(self._plugins)
        return self._project

    # -- documents ------------------------------------------------------------------------
    def owner(self, uri: str) -> str:
        """The document a URI's text is analysed with: its notebook for a cell, else itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def snapshot(self, owner: str) -> Optional[Tuple[str, List[Tuple[str, str]], bool]]:
        """(path, [(uri, text)], is a notebook) of a document as the editor has it now."""
        notebook = self.workspace.get_notebook_document(notebook_uri=owner)
        if notebook is not None:
            parts = []
            for cell in notebook.cells:
                if cell.kind != lsp.NotebookCellKind.Code:
                    continue
                doc = self.workspace.text_documents.get(unquote(cell.document))
                if doc is not None and doc.language_id in (None, "python"):
                    parts.append((cell.document, doc.source))
            return uri_path(owner), parts, True
        doc = self.workspace.text_documents.get(unquote(owner))
        if doc is None:
            return None
        return uri_path(owner), [(owner, doc.source)], False

    async def analysis(self, owner: str) -> Optional[Analysis]:
        """The analysis of the document's current text (made now if needed; one at a time)."""
        snap = self.snapshot(owner)
        if snap is None:
            return None
        path, parts, notebook = snap
        key = tuple(text for _, text in parts)
        latest = self._latest.get(owner)
        if latest is not None and latest.key == key:
            return latest
        running = self._running.get(owner)
        if running is not None and running[0] == key:
            future = running[1]
        else:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._worker, self._analyse, path, parts, notebook)
            self._running[owner] = (key, future)
            future.add_done_callback(lambda _: self._running.pop(owner, None) if self._running.get(owner, (None,))[0] == key else None)
        result = await asyncio.shield(future)
        if self.current_key(owner) == key:
            self._latest[owner] = result
        return result

    def current_key(self, owner: str) -> Optional[Tuple[str, ...]]:
        snap = self.snapshot(owner)
        return None if snap is None else tuple(text for _, text in snap[1])

    def _analyse(self, path: str, parts: List[Tuple[str, str]], notebook: bool) -> Analysis:
        if not notebook and path.endswith(".ipynb"):
            return self._analyse_json_notebook(path, parts[0])
        return analyse(self.project, path, parts, notebook)

    def _analyse_json_notebook(self, path: str, part: Tuple[str, str]) -> Analysis:
        """An ``.ipynb`` opened as plain JSON text: diagnostics placed on the JSON lines of
        their cells' source strings (no hints, hovers or fixes: those need the cells)."""
        from .json_notebook import analyse_json_notebook

        return analyse_json_notebook(self.project, path, part)

    # -- publishing -----------------------------------------------------------------------
    def schedule(self, uri: str) -> None:
        """Analyse a document after the debounce pause, cancelling what was pending for it."""
        owner = self.owner(uri)
        pending = self._pending.pop(owner, None)
        if pending is not None:
            pending.cancel()
        self._pending[owner] = asyncio.ensure_future(self._publish_later(owner))

    async def _publish_later(self, owner: str) -> None:
        try:
            await asyncio.sleep(self.debounce)
            result = await self.analysis(owner)
        except asyncio.CancelledError:
            log.info("analysis of %s cancelled", owner)
            return
        except Exception as err:  # never let a notification handler die silently
            log.exception("analysis failed")
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"convlint: analysis failed: {err}"))
            return
        if result is None or result.key != self.current_key(owner):
            log.info("analysis of %s overtaken; not published", owner)
            return  # overtaken by a newer edit: that one publishes
        self.publish(owner, result)

    def publish(self, owner: str, result: Analysis) -> None:
        by_uri = features.diagnostics(result, self.workspace.position_codec)
        for uri in self._published.get(owner, []):
            by_uri.setdefault(uri, [])  # a cell that is gone, or a document cleared
        self._published[owner] = [u for u in by_uri]
        for uri, items in by_uri.items():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    def forget(self, owner: str) -> None:
        pending = self._pending.pop(owner, None)
        if pending is not None:
            pending.cancel()
        self._latest.pop(owner, None)
        for uri in self._published.pop(owner, []):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def build_server(plugins: Sequence[object] = ()) -> ConvlintServer:
    """A server with every feature registered."""
    server = ConvlintServer(plugins)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ConvlintServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce"), (int, float)):
            ls.debounce = max(0.0, float(options["debounce"]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ConvlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ConvlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ConvlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)  # the configuration or a sibling module may have changed

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ConvlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        if ls.workspace.get_notebook_document(cell_uri=params.text_document.uri) is None:
            ls.forget(params.text_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    def nb_open(ls: ConvlintServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def nb_change(ls: ConvlintServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def nb_close(ls: ConvlintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
        ls.forget(params.notebook_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(ls: ConvlintServer, params: lsp.InlayHintParams) -> List[lsp.InlayHint]:
        uri = params.text_document.uri
        result = await ls.analysis(ls.owner(uri))
        return features.inlay_hints(result, uri, params.range, ls.workspace.position_codec) if result else []

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ConvlintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        uri = params.text_document.uri
        result = await ls.analysis(ls.owner(uri))
        return features.hover(result, uri, params.position, ls.workspace.position_codec) if result else None

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    async def code_action(ls: ConvlintServer, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
        uri = params.text_document.uri
        result = await ls.analysis(ls.owner(uri))
        if result is None:
            return []
        loop = asyncio.get_running_loop()
        # resolving fixes re-analyses the edited text: on the worker, like every analysis
        return await loop.run_in_executor(ls._worker, features.code_actions, result, uri, params.range, ls.workspace.position_codec)

    return server


def main(argv: Sequence[str] = ()) -> int:
    """Serve LSP on stdin/stdout until the client says exit."""
    logging.basicConfig(level=os.environ.get("CONVLINT_LOG", "WARNING"), format="convlint server: %(message)s")
    server = build_server()
    server.start_io()
    return 0
