"""Chinese text analysis shared by the index and the site: jieba words and character bigrams.

The domain dictionary (glossary terms, practice types and their aliases, named methods) is
added to jieba so that 信访代理 or 三会一代理 stay whole words.
"""
from __future__ import annotations

import logging
import re

import jieba
from whoosh.analysis import LowercaseFilter, Token, Tokenizer

jieba.setLogLevel(logging.WARNING)

WORD_CHARS = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_added: set[str] = set()


def domain_words(corpus) -> list[str]:
    words = set()
    for term in corpus.glossary_terms():
        words.update([term["term"], *term.get("aliases", [])])
    for kind in ("practice_type", "theme"):
        for term in corpus.taxonomy(kind).values():
            words.update([term["name"], *term.get("aliases", [])])
    for doc in corpus.cases:
        for method in doc.data.get("named_methods", []) or []:
            words.add(method["name"])
    return sorted(w for w in words if 2 <= len(w) <= 12 and WORD_CHARS.fullmatch(w))


def use_dictionary(words) -> None:
    for word in words:
        if word not in _added:
            jieba.add_word(word, freq=20000)
            _added.add(word)


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside each run of word characters; a lone character stays itself."""
    out = []
    for run in WORD_CHARS.findall(text.lower()):
        out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return out


class JiebaTokenizer(Tokenizer):
    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (word, start, end) in enumerate(jieba.tokenize(value)):
            if not WORD_CHARS.fullmatch(word):
                continue
            token.text = token.original = word
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def jieba_analyzer():
    return JiebaTokenizer() | LowercaseFilter()
