"""Policy notices on the real data: metadata, 发文字号, 条 or paragraph units, title-only records."""
from __future__ import annotations

import pytest

from corpus.model import ARTICLE, PARAGRAPH, TITLE_ONLY
from corpus.sources.notices import NoticesJsonlReader, normalize_doc_number


@pytest.fixture(scope="module")
def notices(data_dir):
    return {d.id: d for d in NoticesJsonlReader(data_dir / "notices/notices.jsonl.gz")}


def test_all_records_kept(notices):
    assert len(notices) == 2649
    assert sum(not d.has_body for d in notices.values()) == 1119


def test_state_council_notice_metadata(notices):
    doc = next(d for d in notices.values() if d.doc_number == "国发〔2019〕5号")
    assert doc.title.startswith("国务院关于在市场监管领域全面推行部门联合")
    assert (doc.issuer, doc.written_date, doc.publish_date) == ("国务院", "2019-01-27", "2019-02-15")
    assert doc.index_number == "000014349/2019-00007" and doc.genre == "意见"
    assert doc.doc_type == "规范性文件" and doc.region == "全国"
    assert all(u.kind == PARAGRAPH for u in doc.units)
    assert ["一、总体要求"] in [u.chapter_path for u in doc.units]
    assert max(len(u.text) for u in doc.units) <= 1000


def test_notice_written_in_articles_is_split_into_them(notices):
    doc = next(d for d in notices.values()
               if sum(u.kind == ARTICLE for u in d.units) >= 10 and d.has_body)
    labels = [u.article_label for u in doc.units]
    assert labels[:2] == ["第一条", "第二条"]


def test_title_only_record_is_marked_and_findable_by_title(notices):
    doc = next(d for d in notices.values() if not d.has_body)
    assert [u.kind for u in doc.units] == [TITLE_ONLY] and doc.units[0].text == doc.title


def test_government_rule_history_from_its_summary(notices):
    doc = next(d for d in notices.values() if d.title == "河北省科学技术奖励办法")
    assert doc.doc_type == "地方政府规章"
    assert doc.history[0].date == "2001-09-25" and len(doc.history) >= 6


@pytest.mark.parametrize("raw,expected", [
    ("国发[2019]5号", "国发〔2019〕5号"), ("冀政办字（2020）12号", "冀政办字〔2020〕12号"),
    ("国办发〔2018〕128号", "国办发〔2018〕128号"), (None, None),
])
def test_doc_number_brackets(raw, expected):
    assert normalize_doc_number(raw) == expected


def test_reposted_national_statutes_are_typed_by_title(notices):
    reposts = [d for d in notices.values() if d.title == "中华人民共和国劳动合同法"]
    assert reposts and all(d.doc_type == "法律" for d in reposts)
