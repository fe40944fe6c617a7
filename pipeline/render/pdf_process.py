"""render_pdf in a second process, started before the HTML exists, so that importing WeasyPrint (~0.5 s of
cffi declarations and stylesheets) runs on the other core while this process reads and compares sources.

    with PdfProcess() as pdf:          # forks now; the child imports WeasyPrint
        html = ...                     # meanwhile: load, compare, template
        data = pdf.render(html, base_dir, epoch, source="...")   # the child renders, the bytes come back

Errors come back as errors: a PipelineError raised in the child (an asset outside the project, a figure
without its text) is raised again here with its message, anything else as a RuntimeError with the child's
traceback. If the caller fails inside the `with` block, the child is stopped at once; if it leaves without
asking for a PDF, the child reads end-of-file and exits. Where `fork` is not available (macOS, Windows start processes afresh, which would
import everything twice), render() simply renders in this process.
"""
from __future__ import annotations

import multiprocessing
from pathlib import Path

from ..errors import PipelineError


def _child(conn, parent_end) -> None:
    parent_end.close()  # forked with both ends: only when the parent's is closed here too does it read EOF
    try:
        _serve(conn)
    except KeyboardInterrupt:  # Ctrl-C reaches both processes; the parent reports it
        pass


def _serve(conn) -> None:
    import traceback

    try:
        from .weasyprint_import import import_weasyprint

        import_weasyprint()  # the point of the child: this import overlaps the parent's work

        from .common import render_pdf
    except Exception:  # WeasyPrint unusable here (no Pango?): the parent reports it when it asks
        conn.send(("crash", traceback.format_exc()))
        return
    try:
        args, kwargs = conn.recv()
    except EOFError:  # the parent failed (or needed no PDF) and closed its end
        return
    try:
        conn.send(("pdf", render_pdf(*args, **kwargs)))
    except PipelineError as exc:
        conn.send(("error", (type(exc).__name__, str(exc))))
    except BaseException:  # reported to the parent, which fails with it; the child only exits
        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()


class PdfProcess:
    """One PDF rendered by a child process forked on entry (see the module's docstring)."""

    def __init__(self) -> None:
        self._conn = self._process = None

    def __enter__(self) -> "PdfProcess":
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child_end = context.Pipe()
            self._process = context.Process(target=_child, args=(child_end, self._conn), daemon=True)
            self._process.start()
            child_end.close()
        return self

    def render(self, html: str, base_dir: Path, epoch: int, **kwargs) -> bytes:
        """The PDF bytes of `html` (the arguments are render_pdf's)."""
        if self._process is None:
            from .common import render_pdf

            return render_pdf(html, base_dir, epoch, **kwargs)
        try:
            self._conn.send(((html, base_dir, epoch), kwargs))
        except OSError:  # the child ended before reading it; what it sent before ending says why
            pass
        try:
            kind, value = self._conn.recv()
        except EOFError:
            raise RuntimeError(f"the PDF process ended without a PDF (exit code {self._process.exitcode})") from None
        if kind == "pdf":
            return value
        if kind == "error":
            from .common import AssetError

            name, message = value
            raise (AssetError if name == "AssetError" else PipelineError)(message)
        raise RuntimeError(f"rendering the PDF failed in its process:\n{value}")

    def __exit__(self, exc_type, *exc) -> None:
        if self._process is None:
            return
        if exc_type is not None:  # the caller failed: no PDF will be asked for, stop the child now
            self._process.terminate()
        self._conn.close()  # a child still waiting for HTML reads end-of-file and exits
        self._process.join(timeout=60)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
