"""Search the knowledge base as an adviser types: weighted fields, prefixes, small typos, postcodes.

Standard library only, in memory: a few dozen articles fit in a dictionary. Each word of the
query is matched against the words of an article's title, tags, summary and body (weighted in that
order), exactly, as the beginning of a longer word (the adviser is still typing), or with one
slip (two in a long word). Articles that match more of the query's words come first, and only
those that match the most words are shown, so adding a word narrows the list. A postcode or
outward code in England ("M1 1AE", "TS1") finds its area's local-services article.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from engine.knowledge import Article, KnowledgeBase, body_blocks, default_knowledge
from triage.postcodes import lookup

# How much a word counts by where it is (a title word says more than one deep in the body).
FIELD_WEIGHTS = {"title": 6.0, "tags": 4.0, "summary": 2.0, "body": 1.0}
# How much a match counts by its kind.
EXACT, PREFIX, TYPO = 1.0, 0.7, 0.45
MIN_PREFIX, MIN_TYPO = 2, 4  # shortest query words that may match as a prefix, or with a typo
SNIPPET_CHARS = 180
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from get how i in is it me my of on or so the "
    "their them there they this to was we what when where which who why will with you your".split())
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Hit:
    """An article that matched, how well, and a short passage of it to show."""

    article: Article
    score: float
    matched: int  # how many of the query's words it matched
    snippet: str


def words(text: str) -> list[str]:
    """Lower-case words without accents or plural endings: 'Français CVs' -> ['francai', 'cv']."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return [_stem(w) for w in _WORD.findall(plain)]


def _stem(word: str) -> str:
    """Plural to singular, roughly and the same way for articles and queries."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class KnowledgeIndex:
    """The articles' words, weighted, ready to search."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.articles = knowledge.articles
        self.topics = knowledge.topics
        # word -> {article position: weight}
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        for position, article in enumerate(self.articles):
            fields = {"title": article.title, "tags": " ".join(article.tags),
                      "summary": article.summary or "", "body": article.body}
            for field, text in fields.items():
                for word, count in Counter(words(text)).items():
                    # Repeats count a little, not linearly: a long body is not a better answer.
                    weight = FIELD_WEIGHTS[field] * (1 + math.log(count))
                    postings = self._postings[word]
                    postings[position] = postings.get(position, 0.0) + weight
        total = len(self.articles)
        self._rarity = {w: math.log(1 + total / len(p)) for w, p in self._postings.items()}
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._postings:
            self._by_length[len(word)].append(word)

    def search(self, query: str, *, limit: int = 8) -> list[Hit]:
        """The best articles for `query`, best first; [] for a query with no words."""
        terms = words(query)
        meaningful = [t for t in terms if t not in STOPWORDS] or terms
        regions = _regions_named(query)
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        found_terms: dict[int, set[str]] = defaultdict(set)
        for term in dict.fromkeys(meaningful):
            best: dict[int, float] = {}
            for word, kind in self._candidates(term):
                for position, weight in self._postings[word].items():
                    value = kind * weight * self._rarity[word]
                    if value > best.get(position, 0.0):
                        best[position] = value
                    found_terms[position].add(word)
            for position, value in best.items():
                scores[position] += value
                matched[position] += 1
        for region in regions:  # a postcode counts as one more matched word, a strong one
            for position, article in enumerate(self.articles):
                if region in article.regions:
                    scores[position] += FIELD_WEIGHTS["title"] * 2
                    matched[position] += 1
        if not scores:
            return []
        most = max(matched.values())
        ranked = sorted((p for p in scores if matched[p] == most),
                        key=lambda p: (-scores[p], self.articles[p].title))
        return [Hit(self.articles[p], round(scores[p], 3), matched[p],
                    snippet(self.articles[p], found_terms[p])) for p in ranked[:limit]]

    def _candidates(self, term: str) -> list[tuple[str, float]]:
        """Index words `term` may mean, each with how much such a match counts."""
        found = []
        if term in self._postings:
            found.append((term, EXACT))
        if len(term) >= MIN_PREFIX:
            found += [(w, PREFIX) for w in self._postings if w != term and w.startswith(term)]
        if len(term) >= MIN_TYPO:
            slips = 1 if len(term) < 8 else 2
            for length in range(len(term) - slips, len(term) + slips + 1):
                found += [(w, TYPO) for w in self._by_length.get(length, ())
                          if w != term and not w.startswith(term) and w[0] == term[0]
                          and _within(term, w, slips)]
        return found


@lru_cache(maxsize=1)
def default_index() -> KnowledgeIndex:
    """The index of config/knowledge/, built once per process."""
    return KnowledgeIndex(default_knowledge())


def _regions_named(query: str) -> set[str]:
    """English prime contractor areas of any postcode or outward code in the query."""
    pieces = query.split()
    candidates = pieces + [a + b for a, b in zip(pieces, pieces[1:], strict=False)]
    regions = set()
    for piece in candidates:
        if any(ch.isdigit() for ch in piece):
            area = lookup(piece)
            if area is not None and area.region:
                regions.add(area.region)
    return regions


def _within(a: str, b: str, limit: int) -> bool:
    """True when `a` becomes `b` in at most `limit` edits (a swap of neighbours is one)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def snippet(article: Article, found: set[str], size: int = SNIPPET_CHARS) -> str:
    """A passage of the article around the first word the query found, in plain text."""
    text = " ".join(_plain(article.body).split())
    if found:
        for match in _WORD.finditer(text.casefold()):
            if _stem(match.group()) in found:
                # From the start of its sentence when that is near, else a little before it.
                sentence = text.rfind(". ", 0, match.start()) + 2
                near = match.start() - sentence < size // 2
                start = sentence if near and sentence > 1 else max(0, match.start() - size // 3)
                break
        else:
            start = 0
    else:
        start = 0
    if start and text[start - 1] != " ":
        start = text.find(" ", start) + 1 or start  # begin on a word
    passage = text[start:start + size]
    if start + size < len(text):
        passage = passage[:passage.rfind(" ")] if " " in passage else passage
        passage += "…"
    return ("…" if start else "") + passage


def _plain(body: str) -> str:
    """The body as running text: a heading or a list reads as a sentence of its own."""
    parts = []
    for block in body_blocks(body):
        text = block["text"] if "text" in block else "; ".join(
            item.rstrip(".;") for item in block["items"])
        parts.append(text if text.endswith((".", ":", "?", "!")) else text + ".")
    return " ".join(parts)
