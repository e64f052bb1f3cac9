"""Who the article leans on: agencies, media, NGOs, officials, documents, experts, named people
and organisations, and unnamed sources, as ``spans["source"]``, each tied to its quotes.

    lexicon.py   the word lists that tell a source's kind (one module, documented there)
    kinds.py     a source's kind from its name, title and entity label; the key two mentions share
    mentions.py  where the article leans on a source: quote speakers and attributions without a quote
    group.py     mentions grouped into distinct sources
    stage.py     the source stage: writes the spans, ``statement`` relations and each quote's ``source``

Rules over the quote stage's speakers and spaCy's parse, measured on PolNeAR
(benchmarks/sources_polnear.py).
"""
