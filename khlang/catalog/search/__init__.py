"""Dataset search kept in the catalog's database, written in the same transaction as the
publish, withdrawal or reinstatement that changes what is found.

`document` builds what a dataset is found by (its segmented text and exact values, `words`
segments Thai), `maintain` writes it, `engine` answers a `query.SearchQuery` (a
`tree` condition) with SQL: FTS5 in the SQLite catalog file, `tsvector` + GIN on PostgreSQL.
Every API worker reads the same tables, so none builds an index of its own.
"""
