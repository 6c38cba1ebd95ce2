"""The DuckDB warehouse: schema (numbered migrations), every write, the read paths.

    db.connect(settings_or_path, read_only=False)      lock wait + migrations
    load.load_pending(settings) -> LoadSummary         landing batches -> tables
    snapshot.publish_snapshot(settings)                read-only copy for readers
    known.known_articles(settings)                     what the crawler may skip
    reparse.reparse(settings, all=False)               rebuild from raw_pages
    checks.run_checks(settings) -> QualityReport       data quality after a load
    sql.run_sql(settings, query, fmt) / interactive_shell(settings)

Never touches the network. Errors are in `warehouse.errors`.
"""
