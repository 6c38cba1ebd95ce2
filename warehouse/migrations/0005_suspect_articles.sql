-- Articles the parser may have got wrong, for the operator to look at (issue 12).
-- Two kinds: the text mentions an official document number ("No." then a number
-- with a slash) yet no document was found; or a document was found without its
-- issue date. Citing a number without announcing it is legitimate news, so this is
-- a list of suspects, not of errors: the quality check watches its share.
CREATE VIEW v_suspect_articles AS
SELECT
    a.article_id,
    'document number in text, no document'              AS reason,
    regexp_extract(coalesce(a.title, '') || ' ' || coalesce(a.body_text, ''),
                   '(?i)\bNo\.?\s*:?\s*(\d{1,5}[a-z]?\s*/\s*[^\s,;()]+)', 1) AS mentioned_number,
    CAST(NULL AS VARCHAR)                               AS doc_number,
    a.title,
    a.published_on,
    a.url,
    a.parser_version,
    timezone('Asia/Ho_Chi_Minh', a.last_changed_at)     AS last_changed_at
FROM articles a
WHERE a.withdrawn_at IS NULL
  AND a.doc_number IS NULL
  AND regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a.body_text, ''),
                     '(?i)\bNo\.?\s*:?\s*\d{1,5}[a-z]?\s*/\s*[A-Z\x{0110}]')
UNION ALL
SELECT
    a.article_id,
    'document without issue date'                       AS reason,
    CAST(NULL AS VARCHAR)                               AS mentioned_number,
    a.doc_number,
    a.title,
    a.published_on,
    a.url,
    a.parser_version,
    timezone('Asia/Ho_Chi_Minh', a.last_changed_at)     AS last_changed_at
FROM articles a
WHERE a.withdrawn_at IS NULL
  AND a.doc_number IS NOT NULL
  AND a.issued_on IS NULL;
