-- Directives as tasks, documents linked (CONTRACT.md section 2, added 2026-12).
-- Upgrades a warehouse in place: the new columns start NULL and the new tables
-- empty; `portal-ingest reparse` (the parser version changed) fills them from
-- the stored pages, and every load after this keeps them filled.

ALTER TABLE directives ADD COLUMN due_on DATE;       -- the date the item must be done by, when the text fixes one
ALTER TABLE directives ADD COLUMN due_text VARCHAR;  -- the words that set the time, verbatim
-- The warehouse's own article announcing the cited number (NULL when it holds none).
-- Recomputed after every load, so a citing letter loaded before the cited one links up.
ALTER TABLE citations ADD COLUMN cited_article_id VARCHAR;

-- The agency registry (transforms/data/agencies.json), plus every body the parser
-- met that the registry does not know, as kind 'other' (the registry's to-do list).
CREATE TABLE agencies (
    agency_id     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,  -- department, sector, district, commune, central, party, group, other
    level         VARCHAR,           -- central, province, district, commune (NULL for other)
    aliases       VARCHAR[] NOT NULL DEFAULT [],
    vi_name       VARCHAR,
    in_use_from   DATE,              -- the dates this name was in use (2025 mergers)
    in_use_until  DATE,
    merged_into   VARCHAR            -- agency_id of the successor
);

CREATE TABLE directive_assignees (
    article_id  VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    agency_id   VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,    -- lead, coordinate, report_to, addressee
    position    INTEGER NOT NULL,    -- order in the record's assignees list
    PRIMARY KEY (article_id, ordinal, agency_id)
);

-- Issuing level of a document number, from its codes: provincial bodies (UBND People's
-- Committee, HDND People's Council, TU Provincial Party Committee) before central ones
-- (TTg, CP, QHxx, TW, VPCP, ministries B..., NHNN). Inlined in the views below.

CREATE VIEW v_tasks AS
SELECT
    ag.name                                   AS agency,
    t.role,
    a.doc_type,
    a.doc_number,
    a.issued_on,
    d.ordinal,
    d.text,
    d.due_on,
    d.due_text,
    a.article_id,
    a.url,
    ag.agency_id,
    ag.kind                                   AS agency_kind,
    ag.level                                  AS agency_level,
    a.issuer,
    coalesce(a.issued_on, a.published_on)     AS doc_date,
    a.title,
    a.withdrawn_at IS NOT NULL                AS withdrawn
FROM directive_assignees t
JOIN directives d ON d.article_id = t.article_id AND d.ordinal = t.ordinal
JOIN articles a ON a.article_id = t.article_id
JOIN agencies ag ON ag.agency_id = t.agency_id;

CREATE VIEW v_document_links AS
SELECT
    a.doc_number                              AS citing_number,
    c.article_id                              AS citing_article_id,
    c.number                                  AS cited_number,
    c.cited_article_id,
    t.title                                   AS cited_title,
    a.doc_type                                AS citing_doc_type,
    coalesce(a.issued_on, a.published_on)     AS citing_date,
    a.title                                   AS citing_title,
    coalesce(t.doc_type, c.doc_type)          AS cited_doc_type,
    coalesce(t.issued_on, c.issued_on)        AS cited_issued_on,
    CASE WHEN regexp_matches(c.number, '(^|[-/])(UBND|HDND|TU|BCD)([-/]|$)') THEN 'provincial'
         WHEN regexp_matches(c.number, '(^|[-/])(TTg|CP|QH[0-9]*|UBTVQH[0-9]*|TW|VPCP|NHNN|TTCP|KTNN|B[A-Z]{1,8})([-/]|$)') THEN 'central'
    END                                       AS cited_level,
    c.ordinal
FROM citations c
JOIN articles a ON a.article_id = c.article_id
LEFT JOIN articles t ON t.article_id = c.cited_article_id;
