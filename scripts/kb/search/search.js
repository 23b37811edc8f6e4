// 信访工作经验库 site search. The index is made by kb/sitesearch.py: positional character-bigram
// postings in shards, loaded with script tags so that it works from file:// and any static host.
(function () {
  "use strict";
  var META = window.KB_SEARCH_META;
  var base = document.currentScript.src.replace(/search\.js(\?.*)?$/, "");
  var WORD = /[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+/g;
  var shardWaiters = {}, shardData = {}, docWaiters = {}, docData = {}, chains = {};

  function arrived(waiters, store) {
    return function (number, data) { store[number] = data; (waiters[number] || []).forEach(function (resolve) { resolve(data); }); };
  }
  window.KB_SEARCH_SHARD = arrived(shardWaiters, shardData);
  window.KB_SEARCH_DOCS = arrived(docWaiters, docData);

  // A region and all its ancestors, as indexes into META.regions (the country left out).
  function regionChain(r) {
    if (chains[r]) return chains[r];
    var out = [];
    for (var i = r; i >= 0; i = META.regions[i][3]) if (META.regions[i][2] !== "country") out.unshift(i);
    return (chains[r] = out);
  }

  // Start year and reported year stay apart: an unknown start is said so, never filled in.
  function yearLabel(d, reported) { return d[4] != null ? d[4] + " 年起" : reported + " 年报道（开始年份不详）"; }
  function startKey(d) { return d[4] != null ? String(d[4]) : "unknown"; }

  function describe(n) {
    var d = META.docs[n], row = docData[Math.floor(n / META.titlesPerFile)][n % META.titlesPerFile];
    return { id: row[0], title: row[1], year: yearLabel(d, row[2]), startYear: d[4], reportedYear: row[2], draft: !!d[5],
      place: regionChain(d[1]).map(function (i) { return META.regions[i][1]; }).join("") || "全国",
      types: d[0].map(function (t) { return META.types[t][1]; }) };
  }

  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function loadFile(folder, number, waiters, store) {
    if (store[number]) return Promise.resolve(store[number]);
    return new Promise(function (resolve, reject) {
      if (!waiters[number]) {
        waiters[number] = [];
        var script = document.createElement("script");
        script.src = base + folder + "/" + number + ".js";
        script.onerror = function () { reject(new Error("索引文件加载失败：" + script.src)); };
        document.head.appendChild(script);
      }
      waiters[number].push(resolve);
    });
  }
  function loadShard(number) { return loadFile("shards", number, shardWaiters, shardData); }

  // ------------------------------------------------ query understanding (mirrors kb/query.py)
  var Q = META.query, WORDS = {}, STOP = {}, GENERIC = {}, GROUP = {}, LONGEST = 1;
  Q.words.forEach(function (w) { WORDS[w] = true; LONGEST = Math.max(LONGEST, w.length); });
  Q.stop.forEach(function (w) { STOP[w] = true; });
  Q.generic.forEach(function (w) { GENERIC[w] = true; });
  Q.groups.forEach(function (g) { g.forEach(function (w) { GROUP[w] = g; }); });
  var BORROWED = {}, COMMON = {};
  (Q.borrowed || []).forEach(function (w) { BORROWED[w] = true; });
  (Q.common || []).forEach(function (w) { COMMON[w] = true; });
  var QUOTED = /"([^"]+)"|“([^”]+)”/g, ASCII_OR_NOT = /[a-z0-9]+|[^a-z0-9]+/g;
  var own = Object.prototype.hasOwnProperty;
  function has(table, key) { return own.call(table, key); }
  // Words of the cases by shape with one character left open (三治?合), for oneCharacterAway.
  var NEAR_LENGTH = 4, LATIN_OR_DIGIT = /[A-Za-z0-9]/, NEAR = {};
  Q.words.slice().sort().forEach(function (w) {
    if (w.length < NEAR_LENGTH || LATIN_OR_DIGIT.test(w) || has(BORROWED, w) || has(STOP, w)) return;
    for (var i = 0; i < w.length; i++) {
      var shape = w.slice(0, i) + "?" + w.slice(i + 1);
      (has(NEAR, shape) ? NEAR[shape] : (NEAR[shape] = [])).push(w);
    }
  });
  function oneCharacterAway(word) {  // mirrors Vocabulary.one_character_away
    if (word.length < NEAR_LENGTH || LATIN_OR_DIGIT.test(word)) return [];
    var found = {};
    for (var i = 0; i < word.length; i++) {
      var shape = word.slice(0, i) + "?" + word.slice(i + 1);
      (has(NEAR, shape) ? NEAR[shape] : []).forEach(function (w) { if (w !== word) found[w] = true; });
    }
    return Object.keys(found).sort();
  }

  function variantsOf(word) {
    return [word].concat((has(GROUP, word) ? GROUP[word] : []).filter(function (w) { return w !== word; }));
  }

  function segment(run) {
    var n = run.length, cost = [], step = [], i, length;
    cost[n] = 0; step[n] = 1;
    for (i = n - 1; i >= 0; i--) {
      cost[i] = cost[i + 1] + 100; step[i] = 1;
      for (length = Math.min(LONGEST, n - i); length > 1; length--) {
        var word = run.slice(i, i + length);
        if (!has(WORDS, word)) continue;
        var through = cost[i + length] + (has(BORROWED, word) ? 101 : 100);  // PIECE_COST, BORROWED_COST
        if (through < cost[i]) { cost[i] = through; step[i] = length; }
      }
    }
    var pieces = [], loose = "";
    for (i = 0; i < n; i += step[i]) {
      var piece = run.slice(i, i + step[i]);
      if (step[i] === 1 && !has(WORDS, piece)) loose += piece;
      else { if (loose) { pieces.push(loose); loose = ""; } pieces.push(piece); }
    }
    if (loose) pieces.push(loose);
    return pieces;
  }

  function understand(text) {
    var concepts = [], generic = [], dropped = [], keys = {}, whole = [], m;
    function add(c) {
      var key = c.kind === "exact" ? c.variants[0] : c.variants.slice().sort()[0];
      if (has(keys, key)) return false;
      keys[key] = true; concepts.push(c); return true;
    }
    QUOTED.lastIndex = 0;
    while ((m = QUOTED.exec(text))) {
      var phrase = (m[1] || m[2]).trim().toLowerCase();
      if (runs(phrase).join("").length >= 2) add({ text: phrase, variants: [phrase], kind: "exact", regions: [] });
    }
    runs(text.replace(QUOTED, " ")).forEach(function (run) {
      var previous = null, words = [], owned = [], setAside = [];
      (run.match(ASCII_OR_NOT) || []).forEach(function (part) {
        words = words.concat(/^[a-z0-9]+$/.test(part) ? [part] : segment(part));
      });
      words.forEach(function (word) {
        var concept;
        if (has(STOP, word)) { previous = null; return; }
        if (has(Q.regions, word)) concept = { text: word, variants: [word], kind: "region", regions: Q.regions[word] };
        else if (word.length < 2 && previous && previous.kind === "word" && !("fallback" in previous)) {
          var joined = previous.text + word;
          previous.fallback = previous.text; previous.text = joined; previous.variants = variantsOf(joined);
          return;
        } else if (word.length < 2) { dropped.push(word); previous = null; return; }
        else if (has(GENERIC, word)) { generic.push(word); setAside.push(word); previous = null; return; }
        else concept = { text: word, variants: variantsOf(word), kind: "word", regions: [] };
        previous = add(concept) ? concept : null;
        if (previous) owned.push(concept);
      });
      var core = words.slice();
      while (core.length && has(STOP, core[0])) core.shift();
      while (core.length && has(STOP, core[core.length - 1])) core.pop();
      if (core.some(function (w) { return !has(GENERIC, w); })) while (core.length && has(GENERIC, core[0])) core.shift();
      if (core.length >= 2 && !core.some(function (w) { return has(STOP, w) || has(Q.regions, w); }))
        whole.push({ text: core.join(""), concepts: owned, generic: setAside });
    });
    return { concepts: concepts, generic: generic, dropped: dropped, whole: whole };
  }

  function preferVerbatim(query) {  // mirrors prefer_verbatim in kb/query.py
    var N = META.docs.length;
    query.whole.forEach(function (run) {
      var count = Object.keys(matches(run.text)).length;
      if (!(count > 0 && count < Q.genericShare * N)) return;
      var at = query.concepts.length;
      run.concepts.forEach(function (c) { var i = query.concepts.indexOf(c); if (i >= 0 && i < at) at = i; });
      query.concepts = query.concepts.filter(function (c) { return run.concepts.indexOf(c) < 0; });
      if (query.concepts.some(function (c) { return c.kind === "word" && c.text === run.text; })) return;
      query.concepts.splice(Math.min(at, query.concepts.length), 0, { text: run.text, variants: [run.text], kind: "word", regions: [] });
      run.generic.forEach(function (w) { query.generic.splice(query.generic.indexOf(w), 1); });
    });
  }

  function runs(word) { return (word.toLowerCase().match(WORD) || []); }
  function bigrams(run) { var out = []; for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2)); return out; }
  function textBigrams(text) {
    var out = {};
    runs(text).forEach(function (r) { if (r.length === 1) out[r] = true; else bigrams(r).forEach(function (g) { out[g] = true; }); });
    return out;
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function varints(text) {  // the inverse of kb/sitesearch.py varints()
    var out = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = ALPHABET.indexOf(text.charAt(i));
      if (digit >= 32) { value += (digit - 32) * Math.pow(32, shift); shift++; }
      else { out.push(value + digit * Math.pow(32, shift)); value = 0; shift = 0; }
    }
    return out;
  }

  var decoded = {};
  function postingsOf(gram) {  // {doc: [positions]} of a bigram whose shard is loaded
    if (has(decoded, gram)) return decoded[gram];
    var shard = shardData[fnv1a(gram) % META.shards] || {}, out = {};
    if (has(shard, gram)) {
      var list = varints(shard[gram]), doc = 0, i = 0;
      while (i < list.length) {
        doc += list[i]; var n = list[i + 1], pos = 0, ps = [];
        for (var k = 0; k < n; k++) { pos += list[i + 2 + k]; ps.push(pos); }
        out[doc] = ps; i += 2 + n;
      }
    }
    return (decoded[gram] = out);
  }

  // Documents containing the run exactly, with the positions where it starts.
  function matchRun(run) {
    var lists = bigrams(run).map(postingsOf), result = {};
    Object.keys(lists[0]).forEach(function (doc) {
      var starts = lists[0][doc].filter(function (p) {
        for (var k = 1; k < lists.length; k++) { var ps = lists[k][doc]; if (!ps || ps.indexOf(p + k) < 0) return false; }
        return true;
      });
      if (starts.length) result[doc] = starts;
    });
    return result;
  }

  // doc -> [inTitle, inNames, count] for a variant (each of its runs required, the first counted).
  function matches(variant) {
    var parts = runs(variant).filter(function (r) { return r.length >= 2; }), out = {};
    if (!parts.length) return out;
    var found = parts.map(matchRun);
    Object.keys(found[0]).forEach(function (doc) {
      if (!found.every(function (f) { return f[doc]; })) return;
      var d = META.docs[doc], ps = found[0][doc];
      out[doc] = [ps.some(function (p) { return p < d[6]; }), ps.some(function (p) { return p >= d[6] && p < d[7]; }), ps.length];
    });
    return out;
  }

  function ensure(strings) {
    var shards = {};
    strings.forEach(function (v) { runs(v).forEach(function (r) { bigrams(r).forEach(function (g) { shards[fnv1a(g) % META.shards] = true; }); }); });
    return Promise.all(Object.keys(shards).map(function (n) { return loadShard(+n); }));
  }

  var REGION_INDEX = {};
  META.regions.forEach(function (r, i) { REGION_INDEX[r[0]] = i; });
  function located(ids) {
    var wanted = ids.map(function (id) { return REGION_INDEX[id]; }), out = [];
    META.docs.forEach(function (d, n) { if (regionChain(d[1]).some(function (i) { return wanted.indexOf(i) >= 0; })) out.push(n); });
    return out;
  }

  // Match weights and the no-answer threshold: mirror the constants of kb/search/index.py.
  var COMMON_SYNONYM_WEIGHT = 0.6, RELATED_WEIGHT = 0.3, ABBREVIATION_WEIGHT = 0.7, COMMON_WEIGHT = 0.3, NEAR_WEIGHT = 0.6, PART_WEIGHT = 0.3, FOUND_AT = 0.5, NO_ANSWER = 0.43, ANSWERED_WITH = 3,
      PASSING = 2.0, ABSENT_WEIGHT = 1.0, UNSEEN_WEIGHT = 0.2, RELATED = Q.related || {}, ABBREVIATIONS = Q.abbreviations || {};

  function newHit() { return [false, false, 0, [], 0]; }

  function addMatches(hits, variants, literal) {  // mirrors add_matches
    variants.forEach(function (vw, i) {
      var m = i === 0 && literal && Object.keys(literal).length ? literal : matches(vw[0]);
      Object.keys(m).forEach(function (doc) {
        var h = hits[doc] || (hits[doc] = newHit());
        h[0] = h[0] || m[doc][0]; h[1] = h[1] || m[doc][1]; h[2] += m[doc][2]; h[4] = Math.max(h[4], vw[1]);
        h[3].push(vw[0]);
      });
    });
  }

  function relatedOf(word) { return has(RELATED, word) ? RELATED[word] : []; }
  function abbreviated(word) {
    var out = [];
    (has(ABBREVIATIONS, word) ? ABBREVIATIONS[word] : []).forEach(function (t) { out = out.concat(variantsOf(t)); });
    return out;
  }

  function conceptHits(c, literal, expandBelow) {  // mirrors concept_hits
    var variants = [[c.variants[0], 1]];
    if (c.kind === "word") {
      var rare = Object.keys(literal).length < expandBelow;
      c.variants.slice(1).forEach(function (v) { variants.push([v, rare ? 1 : COMMON_SYNONYM_WEIGHT]); });
      if (rare) relatedOf(c.text).forEach(function (v) { if (c.variants.indexOf(v) < 0) variants.push([v, RELATED_WEIGHT]); });
    }
    var hits = {};
    addMatches(hits, variants, literal);
    if (!Object.keys(hits).length && c.kind === "word")
      addMatches(hits, abbreviated(c.text).map(function (v) { return [v, ABBREVIATION_WEIGHT]; }), null);
    if (!Object.keys(hits).length && c.kind === "word")
      addMatches(hits, oneCharacterAway(c.text).map(function (v) { return [v, NEAR_WEIGHT]; }), null);
    return hits;
  }

  function partHits(word) {  // mirrors part_hits
    var seen = {}, grams = word.length >= 3 ? bigrams(word).filter(function (g) { return has(seen, g) ? false : (seen[g] = true); }).sort() : [];
    var hits = {};
    grams.forEach(function (g) {
      var m = matches(g);
      Object.keys(m).forEach(function (doc) {
        var h = hits[doc] || (hits[doc] = newHit());
        h[0] = h[0] || m[doc][0]; h[1] = h[1] || m[doc][1]; h[2] += m[doc][2]; h[4] += PART_WEIGHT / grams.length;
      });
    });
    return hits;
  }

  function found(hits) { return Object.keys(hits).filter(function (d) { return hits[d][4] >= FOUND_AT; }).length; }

  function rankCases(concepts, N) {  // mirrors rank_cases
    if (!concepts.length) return [];
    var counts = concepts.map(function (p) { return found(p.hits); });
    var idfs = concepts.map(function (p, i) {
      var f = counts[i];
      return f ? Math.log(1 + N / f) * (p.concept.common ? COMMON_WEIGHT : 1.0) : (Object.keys(p.hits).length ? ABSENT_WEIGHT : UNSEEN_WEIGHT) * Math.log(1 + N);
    });
    var whole = 0; idfs.forEach(function (x) { whole += x; });
    var held = counts.filter(function (f) { return f > 0; }).length;
    var docs = {}, rows = [];
    concepts.forEach(function (p) { Object.keys(p.hits).forEach(function (d) { docs[d] = true; }); });
    Object.keys(docs).map(Number).sort(function (a, b) { return a - b; }).forEach(function (doc) {
      var score = 0, mass = 0, have = 0;
      concepts.forEach(function (p, i) {
        var h = p.hits[doc];
        if (!h) return;
        var prominence = (1 + 3 * h[0] + 1.5 * h[1]) * (1 + Math.log(h[2]));
        score += idfs[i] * h[4] * prominence;
        mass += idfs[i] * h[4] * Math.min(1, prominence / PASSING);
        have += h[4] >= FOUND_AT ? 1 : 0;
      });
      var coverage = mass / whole;
      rows.push({ doc: doc, score: score * (1 + coverage), mass: coverage, complete: have === concepts.length, have: have });
    });
    if (!rows.length || (held < ANSWERED_WITH && Math.max.apply(null, rows.map(function (r) { return r.mass; })) < NO_ANSWER)) return [];
    var k = concepts.length;
    if (rows.some(function (r) { return r.complete; })) rows = rows.filter(function (r) { return r.complete || 2 * r.have > k; });
    if (!concepts.some(function (p) { return p.concept.kind === "exact"; })) {
      var top = 0;
      rows.forEach(function (r) { top = Math.max(top, r.score); });
      rows = rows.filter(function (r) { return r.complete || r.score >= 0.1 * top; });
    }
    return rows;
  }

  function rank(query) {  // mirrors Searcher.run in kb/search/index.py
    var N = META.docs.length, expandBelow = Math.max(3, Math.floor(0.01 * N + 0.5));
    return ensure(query.whole.map(function (w) { return w.text; })).then(function () {
      preferVerbatim(query);
      var literals = query.concepts.map(function (c) { return c.variants[0]; })
        .concat(query.concepts.filter(function (c) { return c.fallback; }).map(function (c) { return c.fallback; }));
      return ensure(literals);
    }).then(function () {
      var steps = query.concepts.map(function (c) {
        var literal = matches(c.variants[0]);
        if (!Object.keys(literal).length && c.fallback) {
          c.text = c.fallback; c.variants = variantsOf(c.fallback); literal = matches(c.variants[0]);
        }
        c.common = c.kind === "word" && has(COMMON, c.text);
        return { concept: c, literal: literal };
      });
      var more = [];
      steps.forEach(function (s) { more = more.concat(s.concept.variants, relatedOf(s.concept.text), abbreviated(s.concept.text),
                                                 oneCharacterAway(s.concept.text)); });
      return ensure(more).then(function () { return steps; });
    }).then(function (steps) {
      var present = [], absent = [];
      steps.forEach(function (s) {
        var c = s.concept, hits = conceptHits(c, s.literal, expandBelow);
        if (c.kind === "region") located(c.regions).forEach(function (doc) {
          var h = hits[doc] || (hits[doc] = newHit());
          h[0] = true; h[2] = Math.max(h[2], 1); h[4] = 1;
        });
        if (!Object.keys(hits).length && c.kind === "word") hits = partHits(c.text);
        (found(hits) ? present : absent).push({ concept: c, hits: hits });
      });
      var all = present.concat(absent), scored = rankCases(all, N);
      scored.sort(function (a, b) {
        if (a.complete !== b.complete) return a.complete ? -1 : 1;
        return b.score - a.score || a.doc - b.doc;
      });
      scored.forEach(function (r) {
        r.found = []; r.missing = [];
        present.forEach(function (p) {
          var h = p.hits[r.doc];
          if (h && h[3].length) r.found.push([p.concept.text, h[3][0]]);
        });
        all.forEach(function (p) {
          var h = p.hits[r.doc];
          if (!h || h[4] < FOUND_AT) r.missing.push(p.concept.text);
        });
      });
      // mirrors Result.separately: with no answer, each concept some case has, and how many have it
      var separately = scored.length || query.concepts.length < 2 ? [] :
        present.map(function (p) { return [p.concept.text, found(p.hits)]; });
      return { query: query, ranked: scored, absent: absent.map(function (p) { return p.concept.text; }), separately: separately };
    });
  }

  // Mirrors the start of Searcher.run: a quoted phrase no case contains is searched as its words.
  function understoodQuery(text) {
    var query = understand(text);
    var exact = query.concepts.filter(function (c) { return c.kind === "exact"; }).map(function (c) { return c.text; });
    return ensure(exact).then(function () {
      var unfound = exact.filter(function (p) { return !Object.keys(matches(p)).length; });
      if (unfound.length) query = understand(unquote(text, unfound));
      query.unquoted = unfound;
      return query;
    });
  }
  function unquote(text, phrases) {  // mirrors unquote in kb/search/query.py
    return text.replace(QUOTED, function (m, a, b) {
      var phrase = a || b;
      return phrases.indexOf(phrase.trim().toLowerCase()) >= 0 ? " " + phrase + " " : m;
    });
  }

  function suggestions(text, count) {  // mirrors suggestions in kb/index.py: never the query itself or a generic word
    var grams = textBigrams(text), asked = text.toLowerCase().replace(/\s+/g, "");
    return Q.suggest.filter(function (term) { return term !== asked && !has(GENERIC, term); }).map(function (term) {
      var shared = 0, own = textBigrams(term);
      Object.keys(own).forEach(function (g) { if (has(grams, g)) shared++; });
      return { term: term, shared: shared };
    }).filter(function (s) { return s.shared > 0; })
      .sort(function (a, b) { return b.shared - a.shared || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0); })
      .slice(0, count || 6).map(function (s) { return s.term; });
  }

  function passes(d, f) {
    if (f.type && d[0].indexOf(+f.type) < 0) return false;
    if (f.region && regionChain(d[1]).indexOf(+f.region) < 0) return false;
    if (f.theme && d[3].indexOf(+f.theme) < 0) return false;
    if (f.level && META.levelIds[d[2]] !== f.level) return false;
    if (f.year && startKey(d) !== String(f.year)) return false;
    if (f.since && (d[4] == null || d[4] < +f.since)) return false;  // since/until: start year only
    if (f.until && (d[4] == null || d[4] > +f.until)) return false;
    return true;
  }

  function facets(results, f) {
    var counts = { type: {}, region: {}, theme: {}, level: {}, year: {} };
    results.forEach(function (r) {
      var d = META.docs[r.doc];
      d[0].forEach(function (t) { counts.type[t] = (counts.type[t] || 0) + 1; });
      regionChain(d[1]).forEach(function (g) { counts.region[g] = (counts.region[g] || 0) + 1; });
      d[3].forEach(function (t) { counts.theme[t] = (counts.theme[t] || 0) + 1; });
      var level = META.levelIds[d[2]];
      counts.level[level] = (counts.level[level] || 0) + 1;
      counts.year[startKey(d)] = (counts.year[startKey(d)] || 0) + 1;
    });
    return counts;
  }

  // Public API for the page and for tests.
  window.KBSearch = {
    search: function (text, filters) {
      return understoodQuery(text || "").then(function (query) { return rank(query); }).then(function (answer) {
        var query = answer.query;
        var f = filters || {}, words = query.concepts.map(function (c) { return c.text; });
        var all = answer.ranked;
        var results = all.filter(function (r) { return passes(META.docs[r.doc], f); });
        return { words: words, query: query, absent: answer.absent, separately: answer.separately, all: all, results: results, facets: facets(results, f),
                 suggestions: results.length ? [] : suggestions(text || "") };
      });
    },
    understand: understand,
    // Display records (id, title, place, types, year) for some results; loads their title shards.
    describe: function (results) {
      var shards = {};
      results.forEach(function (r) { shards[Math.floor(r.doc / META.titlesPerFile)] = true; });
      return Promise.all(Object.keys(shards).map(function (n) { return loadFile("docs", +n, docWaiters, docData); }))
        .then(function () { return results.map(function (r) { return describe(r.doc); }); });
    },
    meta: META
  };


  // ------------------------------------------------- snippets (mirrors snippet() in kb/search/index.py)
  var textWaiters = {}, textData = {};
  window.KB_SEARCH_TEXTS = arrived(textWaiters, textData);
  var PUNCTUATION = "。；！？，、：.;!?,:…）)》」”", SNIPPET_WIDTH = 36;

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  // What a result is marked with: the query's words it contains and the variants they were found by, longest first.
  function markedTerms(hit) {
    var seen = {}, out = [];
    (hit.found || []).forEach(function (pair) {
      pair.forEach(function (t) { if (t && !has(seen, t)) { seen[t] = true; out.push(t); } });
    });
    return out.sort(function (a, b) { return b.length - a.length; });
  }

  // Non-overlapping [start, end) of every term in `lower`, longer terms first.
  function markSpans(lower, terms) {
    var spans = [];
    terms.forEach(function (term) {
      for (var at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) {
        var overlaps = spans.some(function (s) { return s[0] < at + term.length && at < s[1]; });
        if (!overlaps) spans.push([at, at + term.length]);
      }
    });
    return spans.sort(function (a, b) { return a[0] - b[0]; });
  }

  // A window of the body around the first hit, as HTML with every term in <mark>.
  function snippetHtml(body, terms, width) {
    width = width || SNIPPET_WIDTH;
    var raw = body.split("\n"), lowered = terms.map(function (t) { return t.toLowerCase(); });
    var first = 0;
    for (var i = 0; i < raw.length; i++) {
      var line = raw[i].toLowerCase();
      if (lowered.some(function (t) { return line.indexOf(t) >= 0; })) { first = i; break; }
    }
    var lines = raw.slice(Math.max(0, first - 1), first + 3).map(function (l) { return l.trim(); }).filter(Boolean);
    if (!lines.length) return "";
    var more = raw.length > first + 3;
    var flat = lines.map(function (l) { return l + (PUNCTUATION.indexOf(l.charAt(l.length - 1)) >= 0 ? "" : "；"); })
      .join("").replace(/\s+/g, " ").replace(/；+$/, "");
    var lower = flat.toLowerCase(), present = lowered.filter(function (t) { return lower.indexOf(t) >= 0; });
    if (!present.length) return escapeHtml(flat.slice(0, width * 2)) + (flat.length > width * 2 || more ? "…" : "");
    var start = Math.min.apply(null, present.map(function (t) { return lower.indexOf(t); }));
    var left = Math.max(0, start - width), right = start + width * 2;
    var piece = flat.slice(left, right), html = "", cursor = 0;
    markSpans(lower.slice(left, right), present).forEach(function (s) {
      html += escapeHtml(piece.slice(cursor, s[0])) + "<mark>" + escapeHtml(piece.slice(s[0], s[1])) + "</mark>";
      cursor = s[1];
    });
    html += escapeHtml(piece.slice(cursor));
    return (left || first > 1 ? "…" : "") + html + (right < flat.length || more ? "…" : "");
  }

  // Snippet HTML for some results; loads the body shards they are in.
  window.KBSearch.snippets = function (results) {
    var shards = {};
    results.forEach(function (r) { shards[Math.floor(r.doc / META.textsPerFile)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) { return loadFile("texts", +n, textWaiters, textData); }))
      .then(function () {
        return results.map(function (r) {
          var body = textData[Math.floor(r.doc / META.textsPerFile)][r.doc % META.textsPerFile];
          return snippetHtml(body, markedTerms(r));
        });
      });
  };

  // ------------------------------------------------------------------ the page
  var form = document.getElementById("kb-search-form");
  if (!form) return;
  var input = form.querySelector("input[name=q]"), out = document.getElementById("kb-search-results");
  var FILTERS = ["type", "region", "theme", "level", "year", "since", "until"];
  var state = {}, facetsOpen = false, shownFor = null, generation = 0;
  var list = document.getElementById("kb-search-words");
  META.dictionary.forEach(function (w) { var o = document.createElement("option"); o.value = w; list.appendChild(o); });

  var esc = escapeHtml;

  // ---------------------------------------------- the query in the address (Back and reload keep the results)
  // The query and filters live in the fragment (#q=…&region=…): it changes without a reload from
  // file:// too, and a form sent from another page (?q=…) is read when there is no fragment.
  function addressParams() {
    var fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
    return fragment.has("q") ? fragment : new URLSearchParams(location.search);
  }

  function readAddress() {
    var params = addressParams();
    input.value = params.get("q") || "";
    FILTERS.forEach(function (k) { state[k] = params.get(k) || ""; });
  }

  function remember(text) {
    var params = new URLSearchParams();
    if (text) params.set("q", text);
    FILTERS.forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    var fragment = params.toString() ? "#" + params.toString() : "";
    if (location.hash === fragment && !location.search) return;
    try { history.replaceState(null, "", location.pathname + fragment); }
    catch (e) { try { history.replaceState(null, "", fragment || "#"); } catch (ignored) { /* the address stays */ } }
  }

  function addressChanged() { return (location.hash || "") !== shownFor; }

  window.addEventListener("hashchange", function () { if (addressChanged()) { readAddress(); render(); } });
  window.addEventListener("pageshow", function (e) { if (e.persisted && addressChanged()) { readAddress(); render(); } });

  // ---------------------------------------------------------------------- results
  function facetBlock(title, key, counts, label) {
    var keys = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
    if (!keys.length) return "";
    return '<div class="kb-facet"><strong>' + title + '</strong>' + keys.map(function (k) {
      var on = String(state[key]) === String(k);
      return '<button type="button" class="kb-facet-item' + (on ? " on" : "") + '" data-key="' + key + '" data-value="' + esc(k) + '">' +
        esc(label(k)) + "（" + counts[k] + "）</button>";
    }).join("") + "</div>";
  }

  var FACET_LABELS = {
    type: function (k) { return META.types[k][1]; }, region: function (k) { return META.regions[k][1]; },
    level: function (k) { return META.levels[k] || k; }, theme: function (k) { return META.themes[k][1]; },
    year: function (k) { return k === "unknown" ? "不详" : k + " 年"; }  // start year; "unknown" when not known
  };

  // The facets folded under one line, so that the first results show on the first screen.
  function facetPanel(f) {
    var chosen = ["type", "region", "level", "theme", "year"].filter(function (k) { return state[k]; })
      .map(function (k) { return FACET_LABELS[k](state[k]); });
    return '<details class="kb-facets-panel"' + (facetsOpen || chosen.length ? " open" : "") + "><summary>按做法类型、地区、层级、主题、年份筛选" +
      (chosen.length ? "（已选：" + esc(chosen.join("、")) + "）" : "") + '</summary><div class="kb-facets">' +
      facetBlock("做法类型", "type", f.type, FACET_LABELS.type) +
      facetBlock("地区", "region", f.region, FACET_LABELS.region) +
      facetBlock("层级", "level", f.level, FACET_LABELS.level) +
      facetBlock("主题", "theme", f.theme, FACET_LABELS.theme) +
      facetBlock("开始年份", "year", f.year, FACET_LABELS.year) + "</div></details>";
  }

  function quote(w) { return "“" + w + "”"; }

  // What the query was understood as: concepts, region, words set aside, concepts no case has.
  function explain(r) {
    var q = r.query, parts = [];
    var words = q.concepts.filter(function (c) { return c.kind !== "region" && r.absent.indexOf(c.text) < 0; });
    var regions = q.concepts.filter(function (c) { return c.kind === "region"; });
    if (words.length) parts.push("检索词：" + words.map(function (c) { return c.text; }).join("、"));
    if (regions.length) parts.push("地区：" + regions.map(function (c) { return c.text; }).join("、") + "（该地区的案例排在前面）");
    if (q.unquoted && q.unquoted.length) parts.push("没有案例含有与" + q.unquoted.map(quote).join("、") + "完全一致的说法，已按其中的词检索");
    if (r.absent.length) parts.push("库中没有" + r.absent.map(quote).join("、"));
    if (q.generic.length) parts.push("太泛而未用作检索条件：" + q.generic.map(quote).join("、"));
    return parts.length ? '<p class="kb-search-note kb-search-understood">' + esc(parts.join("；")) + "</p>" : "";
  }

  function noResults(r) {
    var html = '<p class="kb-search-note">没有找到匹配的案例。';
    if (!r.query.concepts.length && r.query.generic.length) html += "这些词几乎每个案例都有，请写出具体的做法、问题、人群或地区。";
    html += "</p>";
    if (r.separately.length) html += '<p class="kb-search-suggest kb-search-separately">没有案例同时含有这些要点。可以分别检索：' +
      r.separately.map(function (p) {
        return '<a href="#q=' + encodeURIComponent(p[0]) + '">' + esc(quote(p[0])) + "</a>（" + p[1] + " 个案例）";
      }).join("、") + "</p>";
    if (r.suggestions.length) html += '<p class="kb-search-suggest">可以试试：' + r.suggestions.map(function (w) {
      return '<a href="#q=' + encodeURIComponent(w) + '">' + esc(w) + "</a>";
    }).join("、") + "</p>";
    return html + '<p class="kb-search-note">也可以浏览：<a href="' + base + '../types/index.html">做法类型</a>、<a href="' + base +
      '../regions.html">地区</a>、<a href="' + base + '../map.html">地图</a>、<a href="' + base + '../glossary.html">术语表</a>。</p>';
  }

  function resultItem(d, hit, snippet) {
    var notes = [];
    if (hit.missing.length) notes.push("部分匹配：未含" + hit.missing.map(quote).join("、"));
    hit.found.forEach(function (p) { if (p[0] !== p[1]) notes.push("按" + quote(p[1]) + "匹配（" + p[0] + "）"); });
    return '<li><a href="' + base + "../cases/" + esc(d.id) + '.html">' + esc(d.title) + "</a>" + (d.draft ? "［草稿］" : "") +
      '<br><small>' + esc(d.place) + " · " + esc(d.types.join("、")) + " · " + d.year + "</small>" +
      (snippet ? '<span class="kb-snippet">' + snippet + "</span>" : "") +
      (notes.length ? '<small class="kb-search-match">' + esc(notes.join("；")) + "</small>" : "") + "</li>";
  }

  function render() {
    var text = input.value.trim(), mine = ++generation;
    remember(text);
    shownFor = location.hash || "";
    if (!text) { out.innerHTML = ""; return; }
    out.innerHTML = '<p class="kb-search-note">检索中…</p>';
    window.KBSearch.search(text, state).then(function (r) {
      var html = explain(r) + '<p class="kb-search-count">找到 <strong>' + r.results.length + "</strong> 个案例</p>";
      if (!r.results.length) { if (mine === generation) out.innerHTML = html + noResults(r); return; }
      var shown = r.results.slice(0, 50);
      return Promise.all([window.KBSearch.describe(shown), window.KBSearch.snippets(shown)]).then(function (got) {
        if (mine !== generation) return;  // a newer query is on its way
        out.innerHTML = html + facetPanel(r.facets) + '<ol class="kb-search-list">' +
          got[0].map(function (d, i) { return resultItem(d, shown[i], got[1][i]); }).join("") + "</ol>" +
          (r.results.length > shown.length ? '<p class="kb-search-note">只显示前 50 个；可用上面的分类缩小范围。</p>' : "");
      });
    }).catch(function (err) { out.innerHTML = '<p class="kb-search-note">' + esc(err.message) + "</p>"; });
  }

  out.addEventListener("click", function (e) {
    var b = e.target.closest(".kb-facet-item");
    if (!b) return;
    var key = b.getAttribute("data-key"), value = b.getAttribute("data-value");
    state[key] = String(state[key]) === value ? "" : value;
    render();
  });
  out.addEventListener("toggle", function (e) {
    if (e.target.classList && e.target.classList.contains("kb-facets-panel")) facetsOpen = e.target.open;
  }, true);
  form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
  readAddress();
  render();
})();
