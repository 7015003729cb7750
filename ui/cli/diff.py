"""`fagui diff`: 新旧对照 of two versions of a law in the terminal (its own module; ui/cli/main.py
imports it to register the command)."""
from __future__ import annotations

import json
from typing import Annotated, Any, Optional

import typer

from ui.cli.common import JsonOption, StoreOption, fail, open_store, app

CONTEXT = 12     # unchanged characters kept on each side of a change in the short diff
MAX_CHARS = 240  # a short diff longer than this is cut


def short_diff(ops: list[list[str]], context: int = CONTEXT, limit: int = MAX_CHARS) -> str:
    """One line: [-deleted-]{+inserted+}, long unchanged runs shortened to …, newlines as ⏎."""
    parts = []
    for k, (op, text) in enumerate(ops):
        if op == "equal":
            head = text[:context] if k > 0 else ""
            tail = text[-context:] if k < len(ops) - 1 else ""
            parts.append(text if len(text) <= len(head) + len(tail) + 1 else f"{head}…{tail}")
        else:
            parts.append(f"[-{text}-]" if op == "delete" else f"{{+{text}+}}")
    line = "".join(parts).replace("\n", "⏎")
    return line if len(line) <= limit else line[:limit] + "…"


def _label(side: dict[str, Any] | None) -> str:
    return (side["article_label"] or "(无条号)") if side else "—"


def print_diff(result: dict[str, Any]) -> None:
    """Counts, then every pair that is not 未变: status, old -> new label, a short diff; a run
    of 移动 (renumbered, same wording) is one line."""
    old, new = result["from"], result["to"]
    print(f"《{result['law_title']}》 {old['publish_date'] or old['id']} → {new['publish_date'] or new['id']}")
    print("  ".join(f"{status} {n}" for status, n in result["counts"].items()))
    pairs = [p for p in result["pairs"] if p["status"] != "未变"]
    k = 0
    while k < len(pairs):
        pair, end = pairs[k], k + 1
        note = " (顺序调整 reordered)" if pair["reordered"] else ""
        if pair["status"] == "移动" and not pair["reordered"]:
            while end < len(pairs) and pairs[end]["status"] == "移动" and not pairs[end]["reordered"]:
                end += 1
            last = pairs[end - 1]
            if end - k > 1:
                print(f"\n移动  {_label(pair['old'])}…{_label(last['old'])} → "
                      f"{_label(pair['new'])}…{_label(last['new'])} ({end - k} 条)")
                k = end
                continue
        print(f"\n{pair['status']}  {_label(pair['old'])} → {_label(pair['new'])}{note}")
        if pair["status"] != "移动":
            print(f"      {short_diff(pair['ops'])}")
        k = end


@app.command("diff")
def diff_cmd(
    law: Annotated[str, typer.Argument(help="法律名称 (公司法, 中华人民共和国公司法, 民法典·合同编) 或文档 id")],
    frm: Annotated[Optional[str], typer.Option(
        "--from", help="旧版本：日期 YYYY-MM-DD（当日有效的版本）或版本 id; default: the version before --to")] = None,
    to: Annotated[Optional[str], typer.Option(
        "--to", help="新版本：日期 YYYY-MM-DD 或版本 id; default: the newest (or the id given)")] = None,
    store: StoreOption = None, as_json: JsonOption = False,
) -> None:
    """新旧对照：两个版本逐条比较 (compare two versions of a law article by article)."""
    # imported here: numpy and scipy would cost every other fagui command ~0.25 s at start
    from corpus.versions.pairs import AmbiguousLaw, UnknownLaw, VersionError, diff_versions, find_law

    db = open_store(store, readonly=True)
    try:
        result = diff_versions(db, find_law(db, law), frm, to)
    except AmbiguousLaw as exc:
        names = "\n".join(f"  {c['id']}  {c['title']} {c['region'] or ''} ({c['versions']} 个版本)"
                          for c in exc.candidates)
        fail(f"{law!r} 对应多部法律 (several laws match), give one id or the full title:\n{names}")
    except (UnknownLaw, VersionError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_diff(result)
