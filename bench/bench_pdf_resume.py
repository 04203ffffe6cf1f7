"""The cost of saving where a PDF's reading is (donations/importers/resume.py), and what a
resumed reading saves: the 335 BIDV pages read plainly, with a checkpoint every RESUME_EVERY
pages (as an import reads), and resumed from the last checkpoint.

    .venv/bin/python bench/bench_pdf_resume.py [PDF] [--every N]

Prints one JSON line: pages, lines, seconds of each reading (CPU time of this process), the
checkpoint files' size on disk. Default file: ../shared/data/saoke/pdf/bidv_…pdf.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path(
    os.environ.get("SAOKE_PDF", "/work/shared/data/saoke/pdf"),
    "bidv_1261122666_2024-09-01_2024-09-12.pdf",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf", nargs="?", default=str(DEFAULT))
    parser.add_argument("--every", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    import django

    django.setup()
    from django.conf import settings

    from nhandao.donations.importers import pdf, resume

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-resume-")
    resume.RESUME_EVERY = args.every
    data = Path(args.pdf).read_bytes()
    name = Path(args.pdf).name

    class Record:  # what a Checkpoint needs of a statement
        pk, checksum = 1, "bench"

    def timed(**kwargs):
        started = time.process_time()
        parsed = pdf.read_pdf(data, name, **kwargs)
        return parsed, round(time.process_time() - started, 2)

    plain, plain_s = timed()
    point = resume.Checkpoint(Record)
    saved, saved_s = timed(checkpoint=point)
    size = sum(f.stat().st_size for f in point.path.iterdir())
    state = point.state()
    resumed, resumed_s = timed(checkpoint=resume.Checkpoint(Record))
    assert saved.frame.equals(plain.frame) and resumed.frame.equals(plain.frame)
    print(
        json.dumps(
            {
                "file": name,
                "pages": plain.pdf["pages"],
                "lines": plain.frame.height,
                "every": args.every,
                "plain_s": plain_s,
                "with_checkpoints_s": saved_s,
                "checkpoint_bytes": size,
                "resumed_from_page": state["next"] + 1,
                "resumed_s": resumed_s,
            }
        )
    )
    point.clear()


if __name__ == "__main__":
    main()
