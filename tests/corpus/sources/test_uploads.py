"""Upload checks: names, type by content, zip bombs, XML entities, parse time limit."""
from __future__ import annotations

import io
import zipfile

import pytest

from corpus.sources.uploads import UploadError, check_upload, parse_with_timeout, safe_name, sniff

TEXT = "某市管理办法\n第一条 为了规范管理，制定本办法。\n第二条 本办法自发布之日起施行。\n".encode("utf-8")


def docx_bytes(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "a/b.txt", "..\\evil.txt", ".hidden.txt",
                                  "evil\x00.txt", "", None, "run.sh", "x" * 300 + ".txt"])
def test_unsafe_or_unsupported_names_are_refused(name):
    with pytest.raises(UploadError):
        safe_name(name)


def test_type_is_judged_by_content():
    assert check_upload("办法.txt", TEXT) == "办法.txt"
    assert sniff(b"%PDF-1.7 ...") == "pdf" and sniff(b"\x00\x01\x02") == "binary"
    with pytest.raises(UploadError, match="content is text, not what .pdf promises"):
        check_upload("办法.pdf", TEXT)
    with pytest.raises(UploadError, match="content is pdf"):
        check_upload("办法.docx", b"%PDF-1.4 fake")
    with pytest.raises(UploadError, match="content is binary"):
        check_upload("办法.txt", b"\x7fELF\x00\x00binary")
    with pytest.raises(UploadError, match="empty"):
        check_upload("办法.txt", b"")
    with pytest.raises(UploadError, match="over the 10-byte limit"):
        check_upload("办法.txt", TEXT, max_bytes=10)


def test_zip_bomb_is_refused():
    bomb = docx_bytes(b"<w:document/>", {"word/media/zeros.bin": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UploadError, match="zip bomb"):
        check_upload("办法.docx", bomb)


def test_xml_entities_are_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
              b"<w:document>&lol2;</w:document>")
    with pytest.raises(UploadError, match="DTD or entities"):
        check_upload("办法.docx", docx_bytes(laughs))
    external = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:document>&e;</w:document>'
    with pytest.raises(UploadError, match="DTD or entities"):
        check_upload("办法.docx", docx_bytes(external))


def test_parsing_runs_in_a_separate_process_with_a_limit(tmp_path):
    path = tmp_path / "办法.txt"
    path.write_bytes(TEXT)
    doc = parse_with_timeout(path, 60)
    assert doc.title == "某市管理办法" and [u.article_label for u in doc.units] == ["第一条", "第二条"]
    with pytest.raises(UploadError, match="longer than 0 s"):
        parse_with_timeout(path, 0.0001)
    (tmp_path / "空.txt").write_bytes("   \n".encode())
    with pytest.raises(UploadError):
        parse_with_timeout(tmp_path / "空.txt", 60)


def test_ofd_uploads(tmp_path):
    from tests.corpus.sources.test_ofd import NOTICE, RULES, ofd_bytes
    good = ofd_bytes(NOTICE)
    assert sniff(good) == "ofd" and check_upload("通知.ofd", good) == "通知.ofd"
    with pytest.raises(UploadError, match="content is docx, not what .ofd promises"):
        check_upload("通知.ofd", docx_bytes(b"<w:document/>"))
    with pytest.raises(UploadError, match="content is ofd"):
        check_upload("通知.docx", good)
    with pytest.raises(UploadError, match="zip bomb"):
        check_upload("通知.ofd", ofd_bytes(NOTICE, extra={"Doc_0/Res/z.bin": b"\0" * (30 * 1024 * 1024)}))
    with pytest.raises(UploadError, match="Content.xml declares a DTD or entities"):
        check_upload("通知.ofd", ofd_bytes(NOTICE, replace={
            "Doc_0/Pages/Page_0/Content.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><P>&e;</P>'}))
    (tmp_path / "办法.ofd").write_bytes(ofd_bytes(RULES))
    doc = parse_with_timeout(tmp_path / "办法.ofd", 60)  # the admin upload's parse path
    assert [u.article_label for u in doc.units] == ["第一条", "第二条", "第三条"]
