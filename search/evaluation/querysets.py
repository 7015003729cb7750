"""Evaluation sets beyond STARD (评测集), built from the corpus and the data without hand-picking,
so that a ranking is judged on every kind of query users type:

- topical (主题检索): 2-4 keywords as officials type them, generated from national laws' titles
  (中华人民共和国 and 法/条例/办法 stripped) plus words of one chapter heading or of an article's
  first sentence, shuffled; gold = the law (and the chapter where the words came from one);
- citation (法条引用): short names, Arabic numerals, 《》 titles; gold = the article;
- scoped (法内检索): a law's name and words of one of its articles; gold = that article;
- messages (留言): citizen messages whose official reply cites articles; gold = those articles;
- notices (政策文件): keywords of a notice title; gold = that notice.

Every generator is seeded and splits by a hash of its source (law, message, notice) into
train / dev, so a ranker can learn on train and be reported on dev.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from corpus.store.base import DocumentStoreBase
from indexer.analysis import JiebaAnalyzer
from search.query.citations import CitationParser
from search.evaluation.metrics import norm_title

NATIONAL = ("法律", "行政法规")
_SUFFIX = re.compile(r"(暂行条例|条例|暂行办法|办法|暂行规定|规定|法)$")
_HEADING = re.compile(r"^第[一二三四五六七八九十百零〇]+[编章节]\s*")
_TITLE_NOISE = re.compile(r"^.*?关于|的(通知|意见|批复|函|决定|公告|通报|报告|答复)$|[《》（）()〔〕\[\]]")
_GENERIC = {"总则", "附则", "法律责任", "一般规定", "其他规定", "规定", "管理", "有关", "问题", "工作", "若干",
            "实施", "附件", "进一步", "加强", "做好", "关于", "印发", "通知", "本章", "本法", "本条例", "本规定",
            "进行", "应当", "可以", "依照", "依法", "其他", "以及", "有关部门"}


@dataclass
class TopicalQuery:
    """A keyword query whose answer is a law (and, where known, one of its chapters)."""

    query: str
    gold_law: str
    gold_chapter: str | None
    split: str
    origin: str = "generated"


@dataclass
class ArticleQuery:
    """A query whose answers are articles ((normalised title, label) pairs) or documents."""

    query: str
    gold: frozenset
    split: str


def split_of(key: str, dev_share: float = 0.5) -> str:
    digest = int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16)
    return "dev" if digest % 1000 < dev_share * 1000 else "train"


def _words(analyzer: JiebaAnalyzer, text: str, drop: set[str] = frozenset()) -> list[str]:
    return [w for w in dict.fromkeys(analyzer.tokens(text))
            if len(w) >= 2 and w not in _GENERIC and w not in drop and not w.isascii()]


def _rarest(words: list[str], df: Counter, rng: random.Random, most: int) -> list[str]:
    """1..most of the 3 rarest words (by `df`): specific words, as a searcher would choose."""
    ranked = sorted(words, key=lambda w: (df[w], w))[:3]
    return rng.sample(ranked, min(len(ranked), rng.randint(1, most)))


def _national_laws(store: DocumentStoreBase, columns: str, where: str = "", units: str = "") -> list[tuple]:
    """`columns` of the current national laws (法律, 行政法规) with 10 or more units (`units`:
    a condition on them), by title."""
    return store.conn.execute(
        f"SELECT {columns} FROM documents d WHERE d.collection = 'laws' AND d.validity = '现行有效' "
        f"AND d.doc_type IN ({','.join('?' * len(NATIONAL))}) {where} "
        f"AND (SELECT COUNT(*) FROM units u WHERE u.doc_id = d.id {units}) >= 10 ORDER BY d.title", NATIONAL).fetchall()


def topical_queries(store: DocumentStoreBase, analyzer: JiebaAnalyzer, limit: int = 400,
                    seed: int = 7) -> list[TopicalQuery]:
    """One generated query per sampled national law (法律, 行政法规; 实施条例/细则 and
    decisions left out: their topic is their parent law's)."""
    rng = random.Random(seed)
    laws = _national_laws(store, "d.id, d.title", "AND d.title NOT LIKE '%实施%' AND d.title NOT LIKE '%决定%'")
    by_core: dict[str, set[str]] = {}
    for _, title in laws:
        by_core.setdefault(_SUFFIX.sub("", title.removeprefix("中华人民共和国")), set()).add(title)
    material = {}  # law -> (core words, [(chapter or None, aspect words)])
    df: Counter = Counter()
    for doc_id, title in laws:
        core = _SUFFIX.sub("", title.removeprefix("中华人民共和国"))
        if len(by_core[core]) > 1:
            continue  # a core naming several laws has no single governing law
        core_words = _words(analyzer, core) or [core]
        units = store.conn.execute("SELECT text, chapter_path FROM units WHERE doc_id = ? ORDER BY seq",
                                   (doc_id,)).fetchall()
        aspects = [(c, _words(analyzer, _HEADING.sub("", c), set(core_words)))
                   for c in sorted({json.loads(p)[-1] for _, p in units if json.loads(p)})]
        aspects += [(None, _words(analyzer, re.split(r"[。；：]", re.sub(r"^第\S+条\s*", "", t), maxsplit=1)[0],
                                  set(core_words))) for t, _ in units[1:]]
        aspects = [(c, a) for c, a in aspects if a]
        if aspects:
            material[title] = (core_words, aspects)
            df.update({w for _, a in aspects for w in a})
    titles = sorted(material)
    rng.shuffle(titles)
    out = []
    for title in titles[:limit]:
        core_words, aspects = material[title]
        chapters = [x for x in aspects if x[0]]
        chapter, aspect = rng.choice(chapters if chapters and rng.random() < 0.6 else aspects)
        picked = rng.sample(core_words, min(len(core_words), rng.randint(1, 2))) + _rarest(aspect, df, rng, 2)
        rng.shuffle(picked)
        out.append(TopicalQuery(" ".join(picked), title, chapter, split_of(title)))
    return out


def scoped_queries(store: DocumentStoreBase, analyzer: JiebaAnalyzer, limit: int = 200,
                   seed: int = 17) -> list[ArticleQuery]:
    """A law's name and 1-2 specific words of one of its articles (行政处罚法 听证 较大数额), the
    way officials search inside a law they know; gold = that article."""
    rng = random.Random(seed)
    laws = _national_laws(store, "d.id, d.title, COALESCE(d.short_name, '')", units="AND u.article_label != ''")
    picked_articles = []
    for doc_id, title, short in rng.sample(laws, min(limit * 2, len(laws))):
        units = store.conn.execute("SELECT text, article_label FROM units WHERE doc_id = ? AND article_label != '' "
                                   "ORDER BY seq", (doc_id,)).fetchall()
        text, label = rng.choice(units[1:])
        first = re.split(r"[。；：]", re.sub(r"^第\S+条\s*", "", text), maxsplit=1)[0]
        name = short or title.removeprefix("中华人民共和国")
        words = _words(analyzer, first, set(_words(analyzer, name)))
        if len(words) >= 2:
            picked_articles.append((title, name, label, words))
    df = Counter(w for *_, words in picked_articles for w in words)
    out = []
    for title, name, label, words in picked_articles[:limit]:
        named = rng.choice((name, f"《{title}》"))
        query = " ".join([named] + _rarest(words, df, rng, 2))
        out.append(ArticleQuery(query, frozenset({(norm_title(title), label)}), split_of(title)))
    return out


def load_topical(path: str | Path) -> list[TopicalQuery]:
    """Hand-written topical queries (JSONL: query, gold_law, gold_chapter); all are `dev`."""
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rec = json.loads(line)
                out.append(TopicalQuery(rec["query"], rec["gold_law"], rec.get("gold_chapter"), "dev", "written"))
            except (json.JSONDecodeError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a topical query record ({exc})") from exc
    return out


def load_everyday(path: str | Path) -> list[ArticleQuery]:
    """Hand-written everyday citizen questions (JSONL: question, deciding[{law_title,
    article_label}]); the deciding articles are the gold; all are `dev` (never trained on)."""
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rec = json.loads(line)
                gold = frozenset((norm_title(d["law_title"]), d["article_label"]) for d in rec["deciding"])
                out.append(ArticleQuery(rec["question"], gold, "dev"))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not an everyday question record ({exc})") from exc
    return out


def citation_queries(store: DocumentStoreBase, limit: int = 200, seed: int = 11) -> list[ArticleQuery]:
    """Citations the way people write them, for randomly drawn national articles."""
    rng = random.Random(seed)
    rows = store.conn.execute(
        "SELECT d.title, COALESCE(d.short_name, ''), u.article_label, u.article_num, COALESCE(u.article_suffix, '') "
        "FROM units u JOIN documents d ON u.doc_id = d.id WHERE d.collection = 'laws' AND d.validity = '现行有效' "
        "AND d.doc_type IN ('法律', '行政法规', '司法解释', '部门规章') AND u.article_label != '' ORDER BY u.id").fetchall()
    out = []
    for title, short, label, num, suffix in rng.sample(rows, min(limit, len(rows))):
        name = short or title.removeprefix("中华人民共和国")
        arabic = f"第{num}条{suffix}"  # 第133条之一
        form = rng.choice((f"{name}{arabic}", f"《{title}》{label}", f"{name}{label}是怎么规定的",
                           f"{title.removeprefix('中华人民共和国')}{label}的内容"))
        out.append(ArticleQuery(form, frozenset({(norm_title(title), label)}), split_of(f"{title}{label}")))
    return out


def message_queries(store: DocumentStoreBase, data_dir: Path) -> list[ArticleQuery]:
    """Citizen messages whose official reply cites articles present in the store."""
    parser = CitationParser.from_store(store)
    known = {(norm_title(t), lab) for t, lab in store.conn.execute(
        "SELECT DISTINCT d.title, u.article_label FROM units u JOIN documents d ON u.doc_id = d.id "
        "WHERE d.collection = 'laws' AND u.article_label != ''")}
    out = []
    with gzip.open(data_dir / "govqa/tipdm2020_message_board.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            gold = {(norm_title(c.title), c.article_label) for c in parser.parse(rec.get("answer") or "")}
            gold &= known
            if gold:
                text = f"{rec.get('question_title') or ''}。{rec.get('question') or ''}"[:500]
                out.append(ArticleQuery(text, frozenset(gold), split_of(str(rec["qa_id"]))))
    return out


def notice_queries(store: DocumentStoreBase, analyzer: JiebaAnalyzer, limit: int = 200,
                   seed: int = 13) -> list[ArticleQuery]:
    """2-4 keywords from a notice's title (issuer prefix and 的通知 stripped); gold = its id."""
    rng = random.Random(seed)
    rows = store.conn.execute("SELECT id, title FROM documents WHERE collection = 'notices' AND has_body = 1 "
                              "ORDER BY id").fetchall()
    words_of = {doc_id: _words(analyzer, _TITLE_NOISE.sub("", title)) for doc_id, title in rows}
    df = Counter(w for words in words_of.values() for w in words)
    out = []
    for doc_id, _ in rng.sample(rows, min(limit * 2, len(rows))):
        words = words_of[doc_id]
        if len(words) < 2:
            continue
        picked = _rarest(words, df, rng, 3)
        rest = [w for w in words if w not in picked]
        picked += rng.sample(rest, 1) if rest and len(picked) < 4 else []
        if len(picked) < 2:
            continue
        rng.shuffle(picked)
        out.append(ArticleQuery(" ".join(picked), frozenset({doc_id}), split_of(doc_id)))
        if len(out) >= limit:
            break
    return out
