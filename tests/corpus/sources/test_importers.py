"""User-file importer: every fixture is generated here in tmp_path (no committed binaries)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from corpus.errors import IngestError
from corpus.sources.importers import SUPPORTED_SUFFIXES, UserFileReader, extract_lines, read_user_file
from corpus.model import ARTICLE, LAWS, NOTICES, PARAGRAPH

TITLE = "某某市电动自行车管理办法"
ART1 = "第一条 为了加强电动自行车管理，维护道路交通秩序，保障人身和财产安全，制定本办法。"
ART2 = "第二条 本办法适用于本市行政区域内电动自行车的销售、登记、通行及其相关管理活动。"
BODY = [
    "某政发〔2023〕12号",
    "第一章 总则",
    ART1,
    ART2,
    "市公安机关交通管理部门负责电动自行车的登记和通行管理工作。",
    "第二章 登记与通行",
    "第三条 有下列情形之一的，不予登记：",
    "（一）未取得产品合格证的；",
    "（二）不符合国家强制性标准的。",
    "第四条 本办法自2024年1月1日起施行。",
    "某某市人民政府",
    "2023年12月1日",
]
LINES = [TITLE, *BODY]

NOTICE = [
    "某某市人民政府办公厅关于做好2024年春节期间",
    "安全生产工作的通知",
    "各区人民政府，市政府各部门：",
    "一、总体要求",
    "各单位要坚持人民至上、生命至上，切实做好春节期间安全生产工作。",
    "二、重点任务",
    "加强对人员密集场所的检查，严防火灾事故发生。",
    "某某市人民政府办公厅",
    "2024年1月10日",
]


def check_regulation(doc, fmt: str, preamble: str = "某政发〔2023〕12号") -> None:
    """What every format must yield for the 办法 above."""
    assert doc.title == TITLE
    assert doc.collection == LAWS
    assert doc.doc_number == "某政发〔2023〕12号"
    assert doc.effective_date == "2024-01-01"
    assert doc.written_date == "2023-12-01"
    assert doc.genre == "办法" and doc.doc_type == "规范性文件" and doc.issuer is None
    assert doc.version_key == f"laws||{TITLE}|"
    assert doc.extra["format"] == fmt
    assert doc.id.startswith("file-") and len(doc.id) == 21
    assert [u.article_label for u in doc.units] == ["第一条", "第二条", "第三条", "第四条"]
    assert all(u.kind == ARTICLE for u in doc.units)
    first, second, third, fourth = doc.units
    assert first.chapter_path == ["第一章 总则"]
    assert third.chapter_path == ["第二章 登记与通行"]
    assert [p.text for p in second.paragraphs] == [
        ART2.removeprefix("第二条 "), "市公安机关交通管理部门负责电动自行车的登记和通行管理工作。"]
    assert third.paragraphs[0].text == "有下列情形之一的，不予登记："
    assert [(i.label, i.text) for i in third.paragraphs[0].items] == [
        ("（一）", "未取得产品合格证的；"), ("（二）", "不符合国家强制性标准的。")]
    # The signature (机关, 成文日期) is not part of the last 条.
    assert fourth.text == "本办法自2024年1月1日起施行。"
    assert doc.preamble == preamble


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_txt_utf8(tmp_path):
    doc = read_user_file(write(tmp_path / "办法.txt", "\n".join(LINES) + "\n"))
    check_regulation(doc, ".txt")
    assert doc.text == "\n".join(LINES)
    assert doc.source == str(tmp_path / "办法.txt") and doc.extra["file_name"] == "办法.txt"


def test_txt_gb18030_is_decoded(tmp_path):
    doc = read_user_file(write(tmp_path / "gbk.txt", "\r\n".join(LINES).encode("gb18030")))
    check_regulation(doc, ".txt")


def test_txt_with_invalid_bytes_names_the_line(tmp_path):
    data = ("\n".join(LINES[:2]) + "\n").encode() + b"\xff\xfe bad\n" + "第一条 文本。".encode()
    with pytest.raises(IngestError) as err:
        read_user_file(write(tmp_path / "bad.txt", data))
    assert err.value.line == 3
    assert "not valid UTF-8/GB18030" in err.value.message


def test_markdown_title_line(tmp_path):
    md = f"# {TITLE}\n\n" + "\n".join(
        f"## {line}" if line.startswith("第") and "章" in line[:4] else line for line in BODY)
    lines, hint = extract_lines(write(tmp_path / "a.md", md))
    assert hint == TITLE and "第一章 总则" in lines
    check_regulation(read_user_file(tmp_path / "a.md"), ".md")


def test_html_title_and_body_without_scripts(tmp_path):
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY).replace("加强", "<b>加强</b>")
    html = (f"<html><head><meta charset='utf-8'><title>{TITLE}_某某市人民政府</title>"
            "<style>p {{ color: red }}</style></head><body>"
            "<script>var x = '第九条 脚本';</script>"
            f"<h1>{TITLE}</h1><div>发布日期：2023-12-05</div>{paragraphs}</body></html>")
    doc = read_user_file(write(tmp_path / "page.html", html))
    check_regulation(doc, ".html", preamble="发布日期：2023-12-05\n某政发〔2023〕12号")
    assert doc.publish_date == "2023-12-05"
    assert "脚本" not in doc.text and "color" not in doc.text
    assert ART1 in doc.text.splitlines()  # <b> inside a <p> stays on its line


def test_docx_title_style(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading(TITLE, level=0)  # level 0 = the "Title" style
    for line in BODY:
        document.add_paragraph(line)
    document.save(tmp_path / "办法.docx")
    lines, hint = extract_lines(tmp_path / "办法.docx")
    assert hint == TITLE and lines[0] == TITLE
    check_regulation(read_user_file(tmp_path / "办法.docx"), ".docx")


def cjk_font() -> tuple[str, int] | None:
    """A CJK font for fpdf2 (CI: apt-get install fonts-noto-cjk) and the SC face of a .ttc."""
    found = []
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True)
        found = [line.split(":")[0].strip() for line in out.stdout.splitlines()]
    found += ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
    for path in found:
        if Path(path).is_file() and path.endswith((".ttf", ".otf", ".ttc")):
            if not path.endswith(".ttc"):
                return path, 0
            from fontTools.ttLib import TTCollection
            names = [f["name"].getDebugName(1) for f in TTCollection(path, lazy=True).fonts]
            return path, next((i for i, n in enumerate(names) if "SC" in n.split()), 0)
    return None


def make_pdf(path: Path, lines: list[str], wrap: str = "") -> Path:
    fpdf = pytest.importorskip("fpdf")
    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font for the PDF fixture: apt-get install fonts-noto-cjk")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line if line != wrap else line * 3, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_text_layer(tmp_path):
    check_regulation(read_user_file(make_pdf(tmp_path / "办法.pdf", LINES)), ".pdf")


def test_pdf_lines_wrapped_at_the_margin_are_joined(tmp_path):
    long = "第一条 " + "为了加强电动自行车管理，维护道路交通秩序。" * 5
    doc = read_user_file(make_pdf(tmp_path / "wrap.pdf", [TITLE, long, ART2]))
    assert [u.article_label for u in doc.units] == ["第一条", "第二条"]
    assert doc.units[0].text == long.removeprefix("第一条 ")


def test_scanned_pdf_asks_for_ocr(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, no text: what a scan looks like
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(IngestError, match=r"scanned PDF .*OCR.*\(no text found on 1 pages\)"):
        read_user_file(tmp_path / "scan.pdf")


@pytest.mark.parametrize("name", ["x.pdf", "x.docx"])
def test_corrupt_binary_files(tmp_path, name):
    with pytest.raises(IngestError, match="not a readable"):
        read_user_file(write(tmp_path / name, bytes(range(256)) * 8))


def test_empty_file(tmp_path):
    with pytest.raises(IngestError, match="empty file: no text"):
        read_user_file(write(tmp_path / "empty.txt", " \n\u3000\n"))


def test_unsupported_suffix(tmp_path):
    with pytest.raises(IngestError) as err:
        read_user_file(write(tmp_path / "old.doc", "x"))
    assert "'.doc'" in err.value.message and ".docx" in err.value.message
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".ofd"}


def test_title_only_has_no_text(tmp_path):
    with pytest.raises(IngestError, match="no text"):
        read_user_file(write(tmp_path / "t.txt", TITLE))


def test_notice_without_articles_is_chunked(tmp_path):
    doc = read_user_file(write(tmp_path / "notice.txt", "\n".join(NOTICE)))
    assert doc.title == "某某市人民政府办公厅关于做好2024年春节期间安全生产工作的通知"
    assert (doc.collection, doc.genre, doc.issuer) == (NOTICES, "通知", "某某市人民政府办公厅")
    assert doc.version_key is None and doc.written_date == "2024-01-10"
    assert all(u.kind == PARAGRAPH for u in doc.units)
    assert [u.chapter_path for u in doc.units] == [[], ["一、总体要求"], ["二、重点任务"]]
    assert doc.units[2].text == "加强对人员密集场所的检查，严防火灾事故发生。"


@pytest.mark.parametrize("title,head,doc_type,issuer", [
    ("中华人民共和国某某法", "", "法律", None),
    ("某某管理条例", "（2019年3月2日中华人民共和国国务院令第709号公布）", "行政法规", "国务院"),
    ("最高人民法院关于审理某某案件适用法律若干问题的解释", "法释〔2020〕5号", "司法解释", "最高人民法院"),
    ("某某市人民政府关于某某的规定（试行）", "某政发[2019]5号", "规范性文件", "某某市人民政府"),
])
def test_doc_type_guess(tmp_path, title, head, doc_type, issuer):
    text = f"{title}\n{head}\n第一条 为了规范某某，制定本规定。\n第二条 本规定自2025年1月1日起施行。"
    doc = read_user_file(write(tmp_path / "law.txt", text))
    assert (doc.doc_type, doc.issuer, doc.collection) == (doc_type, issuer, LAWS)
    assert doc.effective_date == "2025-01-01"


def test_publish_date_and_bracket_normalisation(tmp_path):
    text = ("国务院关于某某工作的通知\n国发[2019]5号\n（2019年3月2日公布）\n"
            "各省、自治区、直辖市人民政府：\n现就有关事项通知如下。")
    doc = read_user_file(write(tmp_path / "n.txt", text))
    assert (doc.doc_number, doc.publish_date, doc.issuer) == ("国发〔2019〕5号", "2019-03-02", "国务院")
    assert (doc.collection, doc.genre, doc.doc_type) == (NOTICES, "通知", "规范性文件")


def test_text_without_title_line_is_named_after_the_file(tmp_path):
    doc = read_user_file(write(tmp_path / "电动车办法.txt", "\n".join(BODY[1:])))
    assert doc.title == "电动车办法"
    assert [u.article_label for u in doc.units] == ["第一条", "第二条", "第三条", "第四条"]


def test_same_content_same_id(tmp_path):
    a = read_user_file(write(tmp_path / "a.txt", "\n".join(LINES)))
    b = read_user_file(write(tmp_path / "copy" / "b.txt", "\n".join(LINES)))
    c = read_user_file(write(tmp_path / "c.txt", "\n".join(NOTICE)))
    assert a.id == b.id != c.id
    assert a.units[0].id == f"{a.id}:0"


def test_folder_reader(tmp_path):
    write(tmp_path / "b.txt", "\n".join(NOTICE))
    write(tmp_path / "sub" / "a.md", "\n".join(LINES))
    write(tmp_path / ".DS_Store", b"\x00\x01")
    write(tmp_path / ".git" / "config", "[core]")
    docs = list(UserFileReader(tmp_path))
    assert [d.extra["file_name"] for d in docs] == ["b.txt", "a.md"]
    assert [d.title for d in UserFileReader(str(tmp_path / "sub" / "a.md"))] == [TITLE]


def test_folder_with_unsupported_or_no_files(tmp_path):
    write(tmp_path / "data.csv", "a,b")
    with pytest.raises(IngestError, match="unsupported file type '.csv'"):
        list(UserFileReader(tmp_path))
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="no supported files"):
        list(UserFileReader(tmp_path / "empty"))
    with pytest.raises(IngestError, match="no such file"):
        list(UserFileReader(tmp_path / "missing"))
