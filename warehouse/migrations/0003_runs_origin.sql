-- Issue 13: one `kind` per step (crawl, backfill, reparse) whoever ran it; who ran it
-- is `origin` ('cli' or 'dag:<dag_id>'). Earlier DAG runs were kinds 'dag:<dag_id>'.
ALTER TABLE runs ADD COLUMN origin VARCHAR DEFAULT 'cli';
UPDATE runs SET origin = coalesce(origin, 'cli');
UPDATE runs SET origin = kind,
                kind = CASE WHEN kind LIKE '%backfill%' THEN 'backfill'
                            WHEN kind LIKE '%reparse%' THEN 'reparse'
                            ELSE 'crawl' END
WHERE kind LIKE 'dag:%';

-- Times stay TIMESTAMPTZ in the view (they printed as zone-less portal wall-clock
-- time while the Airflow UI shows UTC): every session prints the instant with its offset.
DROP VIEW v_runs;
CREATE VIEW v_runs AS
SELECT
    run_id,
    kind,
    origin,
    status,
    started_at,
    finished_at,
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
    loaded_at
FROM runs;
