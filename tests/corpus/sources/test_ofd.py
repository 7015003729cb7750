"""OFD (GB/T 33190) import: real OFD files generated here with zipfile, read through the same
title / 字号 / date / 条 detection as the other formats; malformed and hostile files fail
with a clear IngestError and leave the store as it was."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.sources import ofd
from corpus.errors import IngestError
from corpus.sources.importers import read_user_file
from corpus.ingest import ingest
from corpus.model import LAWS, NOTICES
from corpus.sources.ofdlayout import Glyph, lines_of
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
SIZE = 5.6  # 三号 (16 pt) in millimetres, the body size of a 公文
NOTICE = [["国务院办公厅文件", "国办发〔2023〕12号", "国务院办公厅关于加强数字政府建设",
           "的通知", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
           "为深入贯彻落实党中央、国务院关于加强数字政府建设的决策部署，进一",
           "步提升政务服务效能，经国务院同意，现就有关事项通知如下。",
           "一、各地区各部门要加快推进政务服务标准化、规范化、便利化。",
           "国务院办公厅", "2023年3月1日", "— 1 —"]]
RULES = [["某某市政务数据共享管理办法",
          "第一条 为了规范政务数据共享，提高政务服务效能，制定本办法。",
          "第二条 本办法适用于本市行政机关之间的政务数据共享活动，市大数据",
          "管理部门负责"],
         ["统筹协调全市政务数据共享工作。", "第三条 本办法自2024年1月1日起施行。",
          "某某市人民政府", "2023年12月1日"]]


def _text_objects(lines: list[str], first_id: int) -> list[str]:
    """TextObjects for the lines of one page, in the varied ways producers write them: a
    Boundary box per line, absolute X/Y in a page-sized box, a CTM move, and a 第X条 label
    as its own object beside the text. Written bottom line first: order must come from Y."""
    objects, oid = [], first_id
    for row, line in enumerate(lines):
        y = 30.0 + row * 10.0  # 28 pt line pitch
        parts = [(line.split(" ")[0], 0.0), (line.split(" ", 1)[1], 4 * SIZE)] \
            if line.startswith("第") and " " in line else [(line, 0.0)]
        for text, dx in reversed(parts):  # the text before its label, too
            x = 26.0 + dx
            delta = f"g {len(text) - 1} {SIZE}" if row % 2 else " ".join([str(SIZE)] * (len(text) - 1))
            if row % 3 == 0:  # a box around the line; X/Y inside it
                box, ctm, code = f"{x} {y - SIZE:g} {len(text) * SIZE:g} {SIZE * 1.2:g}", "", (0, SIZE)
            elif row % 3 == 1:  # the whole page as the box; X/Y on the page
                box, ctm, code = "0 0 210 297", "", (x, y)
            else:  # an empty-origin box moved by its CTM
                box, ctm = f"0 0 {len(text) * SIZE:g} {SIZE * 1.2:g}", f' CTM="1 0 0 1 {x:g} {y - SIZE:g}"'
                code = (0, SIZE)
            objects.append(f'<ofd:TextObject ID="{oid}" Boundary="{box}"{ctm} Font="2" Size="{SIZE}">'
                           f'<ofd:TextCode X="{code[0]}" Y="{code[1]}" DeltaX="{delta}">{text}</ofd:TextCode>'
                           "</ofd:TextObject>")
            oid += 1
    return objects[::-1]


def ofd_bytes(pages: list[list[str]], title: str | None = None, *, drop: tuple[str, ...] = (),
              replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A real OFD: OFD.xml (DocBody/DocInfo/DocRoot), Doc_0/Document.xml (CommonData with
    PageArea and PublicRes, Pages), Doc_0/PublicRes.xml (a Font) and one Content.xml per
    page. `drop` leaves members out, `replace` swaps their bytes, `extra` adds members."""
    members = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD">'
                   f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c2b7a9e</ofd:DocID><ofd:Title>{title or ''}"
                   "</ofd:Title><ofd:CreationDate>2023-12-01</ofd:CreationDate></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                              "<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
                              "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                              "</ofd:CommonData><ofd:Pages>"
                              + "".join(f'<ofd:Page ID="{10 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
                                        for n in range(len(pages)))
                              + "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res">'
                               '<ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts>'
                               "</ofd:Res>",
    }
    for n, lines in enumerate(pages):
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="3">'
            + "".join(_text_objects(lines, 100 * (n + 1))) + "</ofd:Layer></ofd:Content></ofd:Page>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ({**members, **(replace or {}), **(extra or {})}).items():
            if name not in drop:
                archive.writestr(name, data)
    return buffer.getvalue()


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_notice_is_read_in_reading_order(tmp_path):
    doc = read_user_file(write(tmp_path / "通知.ofd", ofd_bytes(NOTICE, title="Microsoft Word - 文档1")))
    assert doc.title == "国务院办公厅关于加强数字政府建设的通知"  # DocInfo's junk title ignored
    assert doc.doc_number == "国办发〔2023〕12号" and doc.written_date == "2023-03-01"
    assert doc.issuer == "国务院办公厅" and doc.genre == "通知" and doc.collection == NOTICES
    assert doc.extra["format"] == ".ofd"
    # Wrapped at the right margin and joined back; the "— 1 —" footer dropped.
    assert "决策部署，进一步提升政务服务效能" in doc.text and "— 1 —" not in doc.text


def test_regulation_over_two_pages(tmp_path):
    doc = read_user_file(write(tmp_path / "办法.ofd", ofd_bytes(RULES, title="某某市政务数据共享管理办法")))
    assert doc.title == "某某市政务数据共享管理办法" and doc.collection == LAWS and doc.genre == "办法"
    assert doc.effective_date == "2024-01-01" and doc.written_date == "2023-12-01"
    assert [u.article_label for u in doc.units] == ["第一条", "第二条", "第三条"]
    first, second, third = (u.text for u in doc.units)
    assert first == "为了规范政务数据共享，提高政务服务效能，制定本办法。"
    assert second.startswith("本办法适用于") and second.replace("\n", "").endswith(
        "市大数据管理部门负责统筹协调全市政务数据共享工作。")  # runs on from page 1 to page 2
    assert third == "本办法自2024年1月1日起施行。"


def test_other_producers_quirks(tmp_path):
    """As seen in easyofd's output: a default namespace of its own, no Size (a lower-case
    `size`), colour children, TextCodes without DeltaX, a PageBlock, a root-relative BaseLoc."""
    page = ('<Page xmlns="http://example.org/not-ofdspec"><Content><Layer ID="4"><PageBlock ID="5">'
            + "".join(f'<TextObject ID="{6 + i}" size="1.5" Boundary="4 {30 - 3 * i} 60 1.6">'
                      '<FillColor><Value>0 0 0</Value></FillColor>'
                      f'<TextCode X="0" Y="1.5">{line}</TextCode></TextObject>'
                      for i, line in enumerate(reversed(RULES[0])))
            + "</PageBlock></Layer></Content></Page>")
    data = ofd_bytes([[]], replace={"Doc_0/Pages/Page_0/Content.xml": page.encode(), "Doc_0/Document.xml": (
        b'<Document xmlns="http://example.org/not-ofdspec"><Pages><Page ID="1" BaseLoc="/Doc_0/Pages/Page_0/'
        b'Content.xml"/></Pages></Document>')})
    doc = read_user_file(write(tmp_path / "办法.ofd", data))
    assert doc.title == RULES[0][0] and [u.article_label for u in doc.units] == ["第一条", "第二条"]


def test_lines_from_positions():
    glyphs = [Glyph(c, x, y, 4.0, run) for c, x, y, run in [
        ("乙", 4, 20.3, 1), ("二", 14, 20, 2), ("甲", 0, 20, 1), ("一", 0, 10.1, 0), ("B", 30, 20.1, 3),
        ("2", 36, 20, 4), ("3", 40, 20, 4)]]  # 2 and 3: one TextCode, spaced wide by its DeltaX
    assert lines_of(glyphs + [Glyph("甲", 0.05, 20, 4.0, 9)]) == ["一", "甲乙 二 B 23"]


@pytest.mark.parametrize("data, message", [
    (b"this is not a zip at all", r"办法\.ofd: not an OFD file \(not a zip"),
    (ofd_bytes(RULES, drop=("OFD.xml",)), r"no OFD\.xml in the archive"),
    (ofd_bytes(RULES, drop=("Doc_0/Pages/Page_1/Content.xml",)), r"Doc_0/Pages/Page_1/Content\.xml missing"),
    (ofd_bytes(RULES, drop=("Doc_0/Document.xml",)), r"Doc_0/Document\.xml missing"),
    (ofd_bytes(RULES, replace={"Doc_0/Pages/Page_0/Content.xml": f"<ofd:Page {NS}><ofd:Content>".encode()}),
     r"Page_0/Content\.xml is not well-formed XML"),
    (ofd_bytes(RULES, extra={"Doc_0/Res/zeros.bin": b"\0" * (40 * 1024 * 1024)}),
     r"Doc_0/Res/zeros\.bin unpacks to 41,943,040 bytes: .*zip bomb"),
    (ofd_bytes(RULES, replace={"Doc_0/Pages/Page_0/Content.xml": b"<a>%s</a>" % (b" " * (33 * 1024 * 1024))}),
     r"Content\.xml unpacks to .*zip bomb"),
    (ofd_bytes(RULES, replace={"Doc_0/Pages/Page_0/Content.xml": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;">]><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">&lol3;'
        b"</ofd:Page>")}),
     r"Page_0/Content\.xml declares a DTD or entities: refused"),
    (ofd_bytes(RULES, replace={"OFD.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><OFD>&e;</OFD>'}),
     r"OFD\.xml declares a DTD or entities"),
    (ofd_bytes([[]]), r"scanned OFD without a text layer"),
])
def test_malformed_files_fail_clearly(tmp_path, data, message):
    assert len(data) < 200_000  # the bombs are small on disk
    with pytest.raises(IngestError, match=message):
        read_user_file(write(tmp_path / "办法.ofd", data))


def test_page_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(ofd, "MAX_PAGES", 1)
    with pytest.raises(IngestError, match="2 pages: over the limit of 1"):
        read_user_file(write(tmp_path / "办法.ofd", ofd_bytes(RULES)))


def test_a_bad_ofd_leaves_the_store_unchanged(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    write(good / "通知.ofd", ofd_bytes(NOTICE))
    write(bad / "办法.ofd", ofd_bytes(RULES))
    entity = b'<!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'
    write(bad / "实体.ofd", ofd_bytes(RULES, replace={"Doc_0/Document.xml": entity}))
    store = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    try:
        ingest(store, resolve_source(str(good), None))
        state = lambda: (store.corpus_version,  # noqa: E731
                         store.conn.execute("SELECT id, title, doc_number FROM documents").fetchall(),
                         store.conn.execute("SELECT COUNT(*) FROM units").fetchone())
        before = state()
        assert [row[2] for row in before[1]] == ["国办发〔2023〕12号"]
        with pytest.raises(IngestError, match=r"实体\.ofd: Doc_0/Document\.xml declares a DTD"):
            ingest(store, resolve_source(str(bad), None))  # 办法.ofd is fine, 实体.ofd is not
        assert state() == before
    finally:
        store.close()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(cut=st.integers(0, 4000),
       flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=4))
def test_damaged_ofd_parses_or_fails_cleanly(cut, flips):
    """A truncated or bit-flipped OFD gives a Document or an IngestError naming the file."""
    data = bytearray(ofd_bytes(RULES))
    for at, value in flips:
        data[at % len(data)] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "办法.ofd"
        path.write_bytes(bytes(data[: len(data) - cut % len(data)]))
        try:
            assert read_user_file(path).units
        except IngestError as exc:
            assert path.name in str(exc)
