"""The corpus: many articles analysed into one store, then searched, exported and compared.

    sources.py  what ``corpus add`` reads: everything ``analyze`` reads, and text files of URLs
    add.py      the ingest: skip what is stored, analyse the rest, write in batched transactions
    export.py   query results as a table, CSV, JSON Lines or Parquet
    profiles.py outlets side by side: technique rates with intervals, voice, sources, actor framing, trends
    outlets.py  those profiles as a table, JSON or CSV
    claims.py   the store's repeated claims, each distinct wording embedded once
    plots.py    technique bars, trend lines and claim timelines as PNG or SVG (matplotlib)
    browse.py   the store in Datasette, read-only (the browse extra)
"""
