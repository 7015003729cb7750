"""Reading (gzipped) JSONL sources record by record, with errors that name file and line."""
from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.errors import IngestError


def read_jsonl(path: str | Path, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record). Corrupt gzip, bad JSON, wrong encoding, a record missing a
    required field and an empty file all raise IngestError naming the file and line."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    count = 0
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    raise IngestError(path, f"not UTF-8 text ({exc.reason})", line=number) from exc
                except json.JSONDecodeError as exc:
                    raise IngestError(path, f"bad JSON: {exc.msg} at column {exc.colno}", line=number) from exc
                if not isinstance(record, dict):
                    raise IngestError(path, "a JSON object per line was expected", line=number)
                missing = [f for f in required if not record.get(f)]
                if missing:
                    raise IngestError(path, f"record lacks field(s) {', '.join(missing)}", line=number)
                count += 1
                yield number, record
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IngestError(path, f"truncated or corrupt gzip: {exc}") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc}") from exc
    if count == 0:
        raise IngestError(path, "empty file: no records")
