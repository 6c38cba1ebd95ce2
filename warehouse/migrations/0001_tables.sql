-- Tables of CONTRACT.md section 2 (public columns) plus the bookkeeping the
-- loader needs. Released: never edit; add a new numbered file instead.
-- No FOREIGN KEYs on purpose: DuckDB checks them over-eagerly on updates that
-- are not in place (see /work/shared/notes/duckdb-2.0.md).

-- One row per distinct fetched body of a URL. The portal's page counters make
-- almost every fetch distinct; an identical refetch only moves last_fetched_at.
CREATE TABLE raw_pages (
    url             VARCHAR     NOT NULL,
    content_sha256  VARCHAR     NOT NULL,   -- sha256 of the raw bytes
    article_id      VARCHAR,                -- NULL for list pages
    kind            VARCHAR     NOT NULL,   -- article | list | gone
    fetched_at      TIMESTAMPTZ NOT NULL,   -- first fetch of these bytes
    last_fetched_at TIMESTAMPTZ NOT NULL,   -- latest fetch of these bytes
    http_status     INTEGER     NOT NULL,
    headers         VARCHAR,                -- JSON object
    requested_url   VARCHAR,
    list_page       INTEGER,
    body_codec      VARCHAR     NOT NULL DEFAULT 'zlib',
    body_size       INTEGER     NOT NULL,   -- uncompressed bytes
    body            BLOB        NOT NULL,   -- zlib-compressed bytes
    batch_id        VARCHAR,
    run_id          VARCHAR,
    PRIMARY KEY (url, content_sha256)
);

-- The latest version of each article.
CREATE TABLE articles (
    article_id       VARCHAR     PRIMARY KEY,
    url              VARCHAR     NOT NULL,
    channel_id       VARCHAR,
    title            VARCHAR,
    published_on     DATE,
    published_at     TIMESTAMPTZ,
    doc_type         VARCHAR,
    doc_number       VARCHAR,
    issuer           VARCHAR,
    issued_on        DATE,
    subject          VARCHAR,
    addressees       VARCHAR[],
    body_text        VARCHAR,
    warnings         VARCHAR[],
    content_sha256   VARCHAR     NOT NULL,  -- transforms.content_hash of the extracted content
    version          INTEGER     NOT NULL,
    parser_version   VARCHAR     NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL,
    last_changed_at  TIMESTAMPTZ NOT NULL,
    last_seen_at     TIMESTAMPTZ NOT NULL,  -- latest fetch that parsed
    withdrawn_at     TIMESTAMPTZ            -- portal answered 404/410 after last_seen_at
);

CREATE TABLE article_versions (
    article_id      VARCHAR     NOT NULL,
    version         INTEGER     NOT NULL,
    content_sha256  VARCHAR     NOT NULL,
    seen_at         TIMESTAMPTZ NOT NULL,   -- fetch that first showed this content
    raw_sha256      VARCHAR     NOT NULL,   -- the raw page it was parsed from
    parser_version  VARCHAR     NOT NULL,
    record          VARCHAR     NOT NULL,   -- the parsed record, JSON
    PRIMARY KEY (article_id, version)
);

CREATE TABLE directives (
    article_id  VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);

CREATE TABLE citations (
    article_id  VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    number      VARCHAR NOT NULL,
    doc_type    VARCHAR,
    issued_on   DATE,
    issuer      VARCHAR,
    PRIMARY KEY (article_id, ordinal)
);

CREATE TABLE listings (
    article_id      VARCHAR     PRIMARY KEY,
    url             VARCHAR     NOT NULL,
    title           VARCHAR,
    listed_at       TIMESTAMPTZ,
    list_url        VARCHAR,                -- list page it was last seen on
    parser_version  VARCHAR     NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE runs (
    run_id            VARCHAR     PRIMARY KEY,
    kind              VARCHAR     NOT NULL,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR     NOT NULL,
    requests          INTEGER     NOT NULL DEFAULT 0,
    not_modified      INTEGER     NOT NULL DEFAULT 0,
    new_articles      INTEGER     NOT NULL DEFAULT 0,
    changed_articles  INTEGER     NOT NULL DEFAULT 0,
    failed            INTEGER     NOT NULL DEFAULT 0,  -- fetch failures + pages quarantined
    quarantined       INTEGER     NOT NULL DEFAULT 0,
    withdrawn         INTEGER     NOT NULL DEFAULT 0,
    unchanged         INTEGER     NOT NULL DEFAULT 0,
    pages_loaded      INTEGER     NOT NULL DEFAULT 0,
    batches           INTEGER     NOT NULL DEFAULT 0,
    errors            VARCHAR[]   NOT NULL DEFAULT [],
    loaded_at         TIMESTAMPTZ
);

-- One row per URL whose latest fetch did not parse.
CREATE TABLE quarantine (
    url             VARCHAR     PRIMARY KEY,
    article_id      VARCHAR,
    kind            VARCHAR     NOT NULL,   -- article | list
    content_sha256  VARCHAR     NOT NULL,   -- raw page that failed
    error           VARCHAR     NOT NULL,
    parser_version  VARCHAR     NOT NULL,
    seen_at         TIMESTAMPTZ NOT NULL
);

-- Landing batches already loaded: loading one twice is a no-op.
CREATE TABLE landing_batches (
    batch_id          VARCHAR     PRIMARY KEY,
    run_id            VARCHAR     NOT NULL,
    loaded_at         TIMESTAMPTZ NOT NULL,
    pages             INTEGER     NOT NULL,
    new_articles      INTEGER     NOT NULL,
    changed_articles  INTEGER     NOT NULL,
    quarantined       INTEGER     NOT NULL,
    withdrawn         INTEGER     NOT NULL
);
