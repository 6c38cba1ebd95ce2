-- Analyst views. Timestamps are shown as local Asia/Ho_Chi_Minh wall-clock time
-- (TIMESTAMP without zone) so every session prints the portal's own clock.

CREATE VIEW v_documents AS
SELECT
    a.article_id,
    a.doc_number,
    a.doc_type,
    a.issuer,
    a.issued_on,
    a.subject,
    a.title,
    a.published_on,
    a.addressees,
    a.url,
    a.version,
    a.withdrawn_at IS NOT NULL                          AS withdrawn,
    (SELECT count(*) FROM directives d WHERE d.article_id = a.article_id) AS directive_count,
    (SELECT count(*) FROM citations c WHERE c.article_id = a.article_id)  AS citation_count,
    timezone('Asia/Ho_Chi_Minh', a.first_seen_at)       AS first_seen_at,
    timezone('Asia/Ho_Chi_Minh', a.last_changed_at)     AS last_changed_at
FROM articles a
WHERE a.doc_number IS NOT NULL OR a.doc_type IS NOT NULL;

CREATE VIEW v_directives AS
SELECT
    d.article_id,
    d.ordinal,
    d.text,
    a.doc_number,
    a.doc_type,
    a.issuer,
    coalesce(a.issued_on, a.published_on)               AS doc_date,
    a.issued_on,
    a.published_on,
    a.subject,
    a.addressees,
    a.title,
    a.url
FROM directives d
JOIN articles a USING (article_id);

-- Issuer code = the last segment of a canonical number: 22/2020/QD-UBND -> UBND,
-- 18-NQ/TW -> TW, 202/2025/QH15 -> QH15, 108/ND-CP -> CP.
CREATE VIEW v_citation_counts AS
SELECT
    c.number,
    mode(c.doc_type)                                    AS doc_type,
    regexp_extract(c.number, '[-/]([A-Za-z0-9]+)$', 1)  AS issuer_code,
    min(c.issued_on)                                    AS issued_on,
    count(DISTINCT c.article_id)                        AS citing_articles,
    min(a.published_on)                                 AS first_cited_on,
    max(a.published_on)                                 AS last_cited_on
FROM citations c
LEFT JOIN articles a USING (article_id)
GROUP BY c.number;

CREATE VIEW v_monthly AS
SELECT
    CAST(date_trunc('month', coalesce(issued_on, published_on)) AS DATE) AS month,
    coalesce(doc_type, '(none)')                        AS doc_type,
    count(*)                                            AS documents
FROM articles
WHERE (doc_number IS NOT NULL OR doc_type IS NOT NULL)
  AND coalesce(issued_on, published_on) IS NOT NULL
GROUP BY ALL;

CREATE VIEW v_runs AS
SELECT
    run_id,
    kind,
    status,
    timezone('Asia/Ho_Chi_Minh', started_at)            AS started_at,
    timezone('Asia/Ho_Chi_Minh', finished_at)           AS finished_at,
    round(epoch(finished_at) - epoch(started_at), 1)    AS duration_s,
    requests,
    not_modified,
    pages_loaded,
    new_articles,
    changed_articles,
    unchanged,
    withdrawn,
    quarantined,
    failed,
    batches,
    timezone('Asia/Ho_Chi_Minh', loaded_at)             AS loaded_at
FROM runs;
