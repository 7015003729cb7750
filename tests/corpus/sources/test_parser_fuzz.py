"""Property tests of the document parsers: any bytes in a user file give a Document or an
IngestError naming the file — never another exception."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import IngestError
from corpus.sources.importers import read_user_file
from corpus.sources.uploads import UploadError, check_upload

EXAMPLES = 150
LINES = st.lists(st.one_of(st.text(max_size=80), st.sampled_from(
    ["第一条 为了规范管理，制定本办法。", "第二章 总则", "（一）项目", "国发〔2019〕5号", "2020年1月1日",
     "<p>段落</p>", "<html><body>", "第八十二条之一", "附件：", "# 标题"])), max_size=30)


def _parse(suffix: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"文件{suffix}"
        path.write_bytes(data)
        try:
            doc = read_user_file(path)
        except IngestError as exc:
            assert path.name in str(exc)
            return None
        assert doc.units and doc.title
        return doc


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=LINES, suffix=st.sampled_from([".txt", ".md", ".html"]), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_text_files_parse_or_fail_cleanly(lines, suffix, encoding):
    _parse(suffix, "\n".join(lines).encode(encoding, errors="replace"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".ofd"]))
def test_random_bytes_never_crash_a_parser_or_the_upload_check(data, suffix):
    try:
        check_upload(f"文件{suffix}", data)
    except UploadError:
        pass
    _parse(suffix, data)
