-- Cross-references between units (条文引用, corpus/references/): one row per resolved
-- reference, written by DocumentStoreBase.resolve_references (same table as the SQLite store).
-- to_unit is NULL for a reference to a whole law (依照《…》的规定); span_start/span_end locate
-- the citing text in the unit (NULL for the articles inside a range 第十条至第十五条);
-- later_version is 1 when the store lacks the cited law's version in force when the citing
-- text was: the reference goes to a later version, whose numbering may differ.
CREATE TABLE unit_refs (
    from_doc TEXT COLLATE "C" NOT NULL, from_unit TEXT COLLATE "C" NOT NULL, pos INTEGER NOT NULL,
    to_doc TEXT COLLATE "C" NOT NULL, to_unit TEXT COLLATE "C", kind TEXT NOT NULL, detail TEXT,
    span_start INTEGER, span_end INTEGER, later_version INTEGER NOT NULL DEFAULT 0);
CREATE INDEX unit_refs_from ON unit_refs(from_unit, pos);
CREATE INDEX unit_refs_to ON unit_refs(to_unit);
CREATE INDEX unit_refs_doc ON unit_refs(from_doc);
