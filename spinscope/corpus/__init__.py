"""The corpus: many articles analysed into one store, then searched and exported.

    sources.py  what ``corpus add`` reads: everything ``analyze`` reads, and text files of URLs
    add.py      the ingest: skip what is stored, analyse the rest, write in batched transactions
    export.py   query results as a table, CSV, JSON Lines or Parquet
    browse.py   the store in Datasette, read-only (the browse extra)
"""
