-- Landing batches that could not be read (truncated or corrupt gzip, a bad first
-- line, JSON of the wrong shape). The file is moved to landing/quarantine/ and
-- the other batches load; the articles it held are fetched again by the crawler.
CREATE TABLE landing_quarantine (
    batch_file      VARCHAR     PRIMARY KEY,    -- file name in landing/quarantine/
    batch_id        VARCHAR     NOT NULL,
    run_id          VARCHAR,                    -- NULL when even the run record is unreadable
    error           VARCHAR     NOT NULL,       -- one line: exception type and message
    article_ids     VARCHAR[]   NOT NULL DEFAULT [],  -- what could be salvaged of its contents
    quarantined_at  TIMESTAMPTZ NOT NULL,
    load_run_id     VARCHAR     NOT NULL        -- the runs row (kind 'load') that reported it
);
