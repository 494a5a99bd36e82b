"""The knowledge panel's search: GET /console/api/knowledge?q=… for advisers, supervisors, admins.

The panel (console/static/knowledge.js) asks as the adviser types. Each result carries what the
panel shows (title, topic, a passage, the link, the article to read) and `insert`: the
customer-facing summary with its link, which the panel puts into the reply box to edit; nothing
is ever sent from here. The query is not logged (the access log keeps no query strings) and is
not stored.
"""

from __future__ import annotations

import unicodedata

from flask import current_app, jsonify, request

from console import bp
from console.auth import role_required
from engine.dispatch import now
from engine.knowledge_search import Hit, KnowledgeIndex, default_index

ROLES = ("adviser", "supervisor", "admin")
MAX_QUERY = 200
DEFAULT_LIMIT, MAX_LIMIT = 8, 20


def get_index() -> KnowledgeIndex:
    """The app's knowledge index (read at start-up; a test may pass knowledge= to create_app)."""
    return current_app.extensions.get("knowledge") or default_index()


@bp.get("/api/knowledge")
@role_required(*ROLES)
def knowledge_search():
    """Articles matching ?q= (best first, at most ?limit=, 8 unless given); none for no words."""
    queries = request.args.getlist("q")
    if len(queries) > 1:
        return _bad("give q once")
    query = queries[0] if queries else ""
    if len(query) > MAX_QUERY:
        return _bad(f"q is longer than {MAX_QUERY} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in query):
        return _bad("q has control characters in it")
    limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        return _bad(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    index = get_index()
    hits = index.search(query, limit=int(limit)) if query.strip() else []
    today = now().date()
    return jsonify(query=query, articles=len(index.articles),
                   results=[_result(hit, index, today) for hit in hits])


def _result(hit: Hit, index: KnowledgeIndex, today) -> dict:
    article = hit.article
    return {"id": article.id, "title": article.title, "topic": article.topic,
            "topic_label": index.topics.get(article.topic, article.topic),
            "snippet": hit.snippet, "link": article.link, "summary": article.summary,
            "insert": insert_text(article.summary, article.link), "regions": list(article.regions),
            "review": article.review.isoformat(), "review_due": article.review <= today,
            "blocks": article.blocks()}


def insert_text(summary: str | None, link: str | None) -> str | None:
    """What Insert puts in the reply: the summary, then its link unless the summary has it."""
    if not summary:
        return None
    if link and link not in summary:
        return f"{summary} {link}"
    return summary


def _bad(reason: str):
    # JSON whatever the Accept header: the panel shows the reason to the adviser.
    return jsonify(error=reason, status=400), 400
