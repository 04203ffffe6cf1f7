"""Where a PDF statement's reading stopped, kept on disk so that a worker restarted in the
middle of a long file reads on from there instead of from page 1
(docs/decisions/0021-pdf-statements.md, "Resuming").

Every RESUME_EVERY pages the reader (pdf.read_pdf) hands over the rows finished since the
last time and its small state (the next page, the row a later page may continue, the pages
found lost or empty, the printed totals). The rows go to a file of their own (rows-N.json.gz:
writing stays proportional to the file, never the whole parse again), then the state is
replaced in one rename: a process killed between the two leaves the last complete state.

Nothing of the book is written while reading: the lines, ledger entries and donations are
still written in one transaction after every check (writing.commit), so a run killed at any
moment has written nothing, and the natural keys make the run that finishes add each line
once. The files are removed when the import ends (done, refused or failed).

    point = Checkpoint(statement)        # or Checkpoint(statement, "preview")
    point.load() -> (state, [rows…]) | None      # only for the same file (its checksum)
    point.save(state, rows)
    point.clear()
"""

import gzip
import json
import os
import shutil
from pathlib import Path

from django.conf import settings

RESUME_EVERY = 200  # pages between two checkpoints (≈ 1 s of reading; OCR pages: minutes)
MAX_RESUMES = 3  # a file that kills its worker every time is failed, not resumed for ever


def folder(statement_id: int, purpose: str = "import") -> Path:
    return Path(settings.MEDIA_ROOT) / "statements" / "resume" / f"{statement_id}-{purpose}"


def _write(path: Path, payload: dict, *, compress: bool) -> None:
    """Write a whole file or nothing: a temporary file renamed over the old one."""
    temporary = path.with_name(path.name + ".tmp")
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    with open(temporary, "wb") as handle:
        handle.write(gzip.compress(data, compresslevel=1) if compress else data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class Checkpoint:
    def __init__(self, statement, purpose: str = "import"):
        self.path = folder(statement.pk, purpose)
        self.checksum = statement.checksum
        self.chunks = 0

    def exists(self) -> bool:
        return (self.path / "state.json").exists()

    def state(self) -> dict | None:
        """The saved state of this very file, or None."""
        try:
            state = json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return state if state.get("checksum") == self.checksum else None

    def load(self) -> tuple[dict, list[dict]] | None:
        """(state, the rows' chunks in order) where the reading stopped, or None (nothing
        saved, another file's, or a chunk unreadable: then read from page 1)."""
        state = self.state()
        if state is None:
            return None
        chunks = []
        try:
            for number in range(state["chunks"]):
                with gzip.open(self.path / f"rows-{number}.json.gz", "rb") as handle:
                    chunks.append(json.loads(handle.read()))
        except (OSError, ValueError, EOFError):
            return None
        self.chunks = state["chunks"]
        return state, chunks

    def save(self, state: dict, rows: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        _write(self.path / f"rows-{self.chunks}.json.gz", rows, compress=True)
        self.chunks += 1
        previous = self.state() or {}
        state = {
            **state,
            "checksum": self.checksum,
            "chunks": self.chunks,
            "resumes": previous.get("resumes", 0),
        }
        _write(self.path / "state.json", state, compress=False)

    def count_resume(self) -> int | None:
        """Record one more resumption; how many so far (None: nothing to resume)."""
        state = self.state()
        if state is None:
            return None
        state["resumes"] = state.get("resumes", 0) + 1
        _write(self.path / "state.json", state, compress=False)
        return state["resumes"]

    def clear(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
