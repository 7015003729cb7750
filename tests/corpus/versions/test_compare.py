"""新旧对照 on small constructed laws: articles are matched by text across renumbering,
deletions and moves; statuses, flags, order and character ops as documented."""
from __future__ import annotations

import itertools
import random

import pytest

from corpus.versions.compare import _chain, char_ops, compare_documents, match_articles
from corpus.model import Document, Unit
from corpus.numerals import int_to_cn
from corpus.versions.validity import version_on

ARTICLES = [
    "为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本条例。",
    "业主可以自行管理物业，也可以委托物业服务企业进行管理。",
    "物业服务企业应当按照物业服务合同的约定提供服务，不得擅自提高收费标准。",
    "业主大会由物业管理区域内全体业主组成，代表和维护全体业主的合法权益。",
    "建设单位应当在销售物业之前，制定临时管理规约，对有关物业的使用、维护作出约定。",
    "住宅专项维修资金属于业主所有，专项用于物业保修期满后共用部位的维修和更新。",
    "违反本条例规定，物业服务企业擅自改变共用设施用途的，由县级以上人民政府房地产行政主管部门责令限期改正。",
    "本条例自二〇一〇年一月一日起施行。",
]
INSERTED = "物业管理区域内按照规划建设的车位、车库，应当首先满足业主的需要，不得对外出租。"


def law(texts: list[str], doc_id: str = "v") -> Document:
    units = [Unit(id=f"{doc_id}:{k}", doc_id=doc_id, seq=k, kind="article", text=text,
                  article_label=f"第{int_to_cn(k + 1)}条", article_num=k + 1)
             for k, text in enumerate(texts)]
    return Document(id=doc_id, collection="laws", title="某市物业管理条例", units=units)


def rows(result: dict) -> list[tuple[str, str | None, str | None]]:
    return [(p["status"], p["old"] and p["old"]["article_label"], p["new"] and p["new"]["article_label"])
            for p in result["pairs"]]


def test_insertion_renumbers_later_articles_which_are_moved_not_changed():
    new = ARTICLES[:3] + [INSERTED] + ARTICLES[3:]
    result = compare_documents(law(ARTICLES, "old"), law(new, "new"))
    assert rows(result) == [
        ("未变", "第一条", "第一条"), ("未变", "第二条", "第二条"), ("未变", "第三条", "第三条"),
        ("新增", None, "第四条"),
        ("移动", "第四条", "第五条"), ("移动", "第五条", "第六条"), ("移动", "第六条", "第七条"),
        ("移动", "第七条", "第八条"), ("移动", "第八条", "第九条")]
    assert result["counts"] == {"新增": 1, "删除": 0, "修改": 0, "未变": 3, "移动": 5}
    moved = result["pairs"][4]
    assert moved["moved"] and not moved["changed"] and not moved["reordered"]
    assert moved["similarity"] == 1.0 and moved["ops"] == [["equal", ARTICLES[3]]]
    assert result["pairs"][3]["ops"] == [["insert", INSERTED]] and result["pairs"][3]["old"] is None


def test_deleted_article_follows_its_old_predecessor():
    new = ARTICLES[:2] + ARTICLES[3:]
    result = compare_documents(law(ARTICLES, "old"), law(new, "new"))
    assert rows(result)[:4] == [("未变", "第一条", "第一条"), ("未变", "第二条", "第二条"),
                                ("删除", "第三条", None), ("移动", "第四条", "第三条")]
    assert result["pairs"][2]["ops"] == [["delete", ARTICLES[2]]] and result["pairs"][2]["new"] is None
    first = compare_documents(law(ARTICLES, "old"), law(ARTICLES[1:], "new"))
    assert rows(first)[0] == ("删除", "第一条", None)  # no kept predecessor: at the top


def test_modified_article_has_character_ops():
    changed = ARTICLES[2].replace("不得擅自提高收费标准", "不得擅自提高收费标准或者增设收费项目")
    new = ARTICLES[:2] + [changed.replace("应当", "必须")] + ARTICLES[3:]
    pair = compare_documents(law(ARTICLES, "old"), law(new, "new"))["pairs"][2]
    assert pair["status"] == "修改" and pair["changed"] and not pair["moved"]
    assert 0.4 < pair["similarity"] < 1
    assert ["delete", "应当"] in pair["ops"] and ["insert", "必须"] in pair["ops"]
    assert ["insert", "或者增设收费项目"] in pair["ops"]
    assert "".join(t for op, t in pair["ops"] if op != "insert") == ARTICLES[2]
    assert "".join(t for op, t in pair["ops"] if op != "delete") == new[2]


def test_moved_and_modified_is_changed_with_both_facts():
    """An article moved to another place AND reworded: status 修改, moved and reordered true."""
    reworded = ARTICLES[1].replace("也可以", "或者")
    new = [ARTICLES[0], *ARTICLES[2:6], reworded, *ARTICLES[6:]]
    result = compare_documents(law(ARTICLES, "old"), law(new, "new"))
    pair = next(p for p in result["pairs"] if p["old"] and p["old"]["article_label"] == "第二条")
    assert pair["new"]["article_label"] == "第六条" and pair["status"] == "修改"
    assert pair["changed"] and pair["moved"] and pair["reordered"]
    assert result["counts"]["新增"] == result["counts"]["删除"] == 0


def test_whitespace_is_not_a_change_and_empty_sides():
    spaced = [t.replace("，", "， ") for t in ARTICLES]
    result = compare_documents(law(ARTICLES, "old"), law(spaced, "new"))
    assert result["counts"]["未变"] == len(ARTICLES)
    assert compare_documents(law([], "old"), law(ARTICLES[:2], "new"))["counts"]["新增"] == 2
    assert compare_documents(law(ARTICLES[:2], "old"), law([], "new"))["counts"]["删除"] == 2


def test_unrelated_articles_are_not_paired():
    """A rewrite that shares only boilerplate is 删除 + 新增, not a 修改."""
    old = law([ARTICLES[0], "国家鼓励采用新技术、新方法，提高物业管理和服务水平。", ARTICLES[7]], "old")
    new = law([ARTICLES[0], "物业服务收费应当遵循合理、公开以及费用与服务水平相适应的原则。", ARTICLES[7]], "new")
    assert [p["status"] for p in compare_documents(old, new)["pairs"]] == ["未变", "删除", "新增", "未变"]


def test_matches_are_one_to_one_and_cover_identical_texts():
    rng = random.Random(3)
    for _ in range(20):
        old = rng.sample(ARTICLES + [INSERTED], 6)
        new = rng.sample(ARTICLES + [INSERTED], 7)
        matches = match_articles(old, new)
        assert len({i for i, *_ in matches}) == len({j for _, j, *_ in matches}) == len(matches)
        assert {(old.index(t), new.index(t)) for t in set(old) & set(new)} <= {(i, j) for i, j, *_ in matches}


def test_chain_is_the_heaviest_increasing_chain():
    rng = random.Random(7)
    for _ in range(50):
        cands = list({(rng.randrange(6), rng.randrange(6)): rng.random() for _ in range(8)}.items())
        cands = [(i, j, w) for (i, j), w in cands]
        best = max((sum(w for *_, w in sub) for r in range(len(cands) + 1)
                    for sub in itertools.combinations(sorted(cands), r)
                    if all(a[0] < b[0] and a[1] < b[1] for a, b in zip(sub, sub[1:]))), default=0)
        assert sum(w for *_, w in _chain(cands, 6)) == pytest.approx(best)


def test_char_ops_rebuild_both_texts():
    rng = random.Random(11)
    cases = [("股东会或者股东大会决议", "股东会决议，董事会执行"), ("", "新"), ("旧", ""), ("同", "同")]
    cases += [tuple("".join(rng.choice("的公司股东会，。应当") for _ in range(rng.randrange(12)))
                    for _ in "ab") for _ in range(500)]
    for old, new in cases:
        ops = char_ops(old, new)
        assert "".join(t for op, t in ops if op != "insert") == old
        assert "".join(t for op, t in ops if op != "delete") == new
        assert all(t for _, t in ops) and all(a[0] != b[0] for a, b in zip(ops, ops[1:]))  # merged


def test_version_on_takes_the_latest_start_on_or_before_the_day():
    versions = [{"id": "a", "publish_date": "2005-10-27", "effective_date": "2006-01-01"},
                {"id": "b", "publish_date": "2018-10-26", "effective_date": "2018-10-26"},
                {"id": "c", "publish_date": "2023-12-29", "effective_date": None}]
    assert version_on(versions, "2005-12-31") is None
    assert version_on(versions, "2006-01-01")["id"] == "a"
    assert version_on(versions, "2018-10-25")["id"] == "a"
    assert version_on(versions, "2020-05-01")["id"] == "b"
    assert version_on(versions, "2023-12-29")["id"] == "c"  # no 施行 date: the publish date
