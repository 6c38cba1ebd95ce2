"""The DuckDB warehouse: schema (numbered migrations), every write, the read paths.

Two backends behind `db.connect`: a DuckDB file (default) or a DuckLake
(PORTAL_DUCKDB=ducklake:postgres:..., PORTAL_LAKE_DATA_PATH); see db.py.

    db.connect(settings_or_path, read_only=False)      lock wait (file) + migrations
    db.upsert(con, table, staged, cols, key, updates)  ON CONFLICT (file) / MERGE INTO (lake)
    snapshot.open_reader(settings, as_of=None)         what readers open (snapshot or lake)
    tolake.migrate_to_lake(settings, file)             copy a file warehouse into a lake
    load.load_pending(settings) -> LoadSummary         landing batches -> tables
    snapshot.publish_snapshot(settings)                read-only copy for readers
    known.known_articles(settings)                     what the crawler may skip
    reparse.reparse(settings, all=False)               rebuild from raw_pages
    checks.run_checks(settings) -> QualityReport       data quality after a load
    sql.run_sql(settings, query, fmt) / interactive_shell(settings)

Never touches the network. Errors are in `warehouse.errors`.
"""
