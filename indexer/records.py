"""What the indexes hold for each unit (索引记录): filter fields, texts to tokenize and embed."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from corpus.model import Document, Unit
from corpus.store.base import DocumentStoreBase

EMBED_MAX_CHARS = 512  # beyond this the embedders truncate anyway; keeps batches even


def vector_id(unit_id: str) -> int:
    """Stable 63-bit id of a unit for faiss (same unit id -> same vector id, any run)."""
    return int.from_bytes(hashlib.blake2b(unit_id.encode(), digest_size=8).digest(), "big") >> 1


@dataclass
class UnitRecord:
    """One unit as the indexes see it."""

    uid: str
    vid: int
    doc_id: str
    collection: str
    doc_type: str
    validity: str
    region: str
    issuer: str
    date: str
    title: str
    chapter: str
    article_label: str
    text: str

    @property
    def embed_text(self) -> str:
        """Title and article label give the embedder context a bare 条 lacks."""
        head = f"《{self.title}》{self.article_label}" if self.article_label else f"《{self.title}》"
        return f"{head} {self.text}"[:EMBED_MAX_CHARS]


def unit_record(doc: Document, unit: Unit) -> UnitRecord:
    return UnitRecord(
        uid=unit.id, vid=vector_id(unit.id), doc_id=doc.id, collection=doc.collection,
        doc_type=doc.doc_type or "", validity=doc.validity or "", region=doc.region or "",
        issuer=doc.issuer or "", date=doc.publish_date or doc.written_date or "",
        title=doc.display_title, chapter=" ".join(unit.chapter_path),
        article_label=unit.article_label or "", text=unit.text)


def document_fingerprint(doc: Document) -> str:
    """Changes when anything the indexes hold about the document changes (validity
    included), and only then: a new source path alone re-indexes nothing."""
    digest = hashlib.sha1()
    for unit in doc.units:
        digest.update(json.dumps(asdict(unit_record(doc, unit)), ensure_ascii=False).encode())
    return digest.hexdigest()


def iter_documents(store: DocumentStoreBase, doc_ids: list[str] | None = None) -> Iterator[Document]:
    """Documents with units, all of them or the given ids (missing ids are skipped)."""
    if doc_ids is None:
        yield from store.documents(with_units=True)
        return
    for doc_id in doc_ids:
        doc = store.get(doc_id)
        if doc is not None:
            yield doc
