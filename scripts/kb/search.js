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

  function describe(n) {
    var d = META.docs[n], row = docData[Math.floor(n / META.docsPerShard)][n % META.docsPerShard];
    return { id: row[0], title: row[1], year: d[4], draft: !!d[5],
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

  function parseQuery(text) {
    var words = [], re = /"([^"]+)"|“([^”]+)”|(\S+)/g, m;
    while ((m = re.exec(text))) words.push((m[1] || m[2] || m[3]).trim());
    return words.filter(Boolean);
  }

  function runs(word) { return (word.toLowerCase().match(WORD) || []); }
  function bigrams(run) { var out = []; for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2)); return out; }

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

  function decode(encoded) {
    // [docDelta, count, posDelta...]* -> {doc: [positions]}
    var list = varints(encoded), out = {}, doc = 0, i = 0;
    while (i < list.length) {
      doc += list[i]; var n = list[i + 1], pos = 0, ps = [];
      for (var k = 0; k < n; k++) { pos += list[i + 2 + k]; ps.push(pos); }
      out[doc] = ps; i += 2 + n;
    }
    return out;
  }

  // Documents containing the run exactly, with the positions where it starts.
  function matchRun(run, postings) {
    var grams = bigrams(run);
    if (!grams.length) return null;
    var lists = grams.map(function (g) { return postings[g] ? decode(postings[g]) : {}; });
    var result = {};
    Object.keys(lists[0]).forEach(function (doc) {
      var starts = lists[0][doc].filter(function (p) {
        for (var k = 1; k < lists.length; k++) {
          var ps = lists[k][doc];
          if (!ps || ps.indexOf(p + k) < 0) return false;
        }
        return true;
      });
      if (starts.length) result[doc] = starts;
    });
    return result;
  }

  function needed(words) {
    var shards = {};
    words.forEach(function (w) {
      variants(w).forEach(function (v) {
        runs(v).forEach(function (run) { bigrams(run).forEach(function (g) { shards[fnv1a(g) % META.shards] = true; }); });
      });
    });
    return Object.keys(shards).map(Number);
  }

  function variants(word) { return [word].concat(META.synonyms[word] || []); }

  function lookup(words) {
    return Promise.all(needed(words).map(loadShard)).then(function () {
      var postings = {};
      Object.keys(shardData).forEach(function (n) { Object.assign(postings, shardData[n]); });
      var N = META.docs.length, scores = null;
      for (var w = 0; w < words.length; w++) {
        var hits = {};  // doc -> [start positions]
        variants(words[w]).forEach(function (v) {
          var rs = runs(v);
          if (!rs.length || rs.some(function (r) { return r.length < 2; })) return;
          var perRun = rs.map(function (r) { return matchRun(r, postings); });
          Object.keys(perRun[0]).forEach(function (doc) {
            if (perRun.every(function (m) { return m[doc]; })) hits[doc] = (hits[doc] || []).concat(perRun[0][doc]);
          });
        });
        var df = Object.keys(hits).length, idf = Math.log(1 + N / Math.max(df, 1)), next = {};
        Object.keys(hits).forEach(function (doc) {
          if (scores && !(doc in scores)) return;
          var d = META.docs[doc], ps = hits[doc];
          var inTitle = ps.some(function (p) { return p < d[6]; }), inNames = ps.some(function (p) { return p >= d[6] && p < d[7]; });
          next[doc] = (scores ? scores[doc] : 0) + idf * (1 + 3 * inTitle + 1.5 * inNames) * (1 + Math.log(ps.length));
        });
        scores = next;
      }
      return Object.keys(scores || {}).map(function (doc) { return { doc: Number(doc), score: scores[doc] }; })
        .sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    });
  }

  function passes(d, f) {
    if (f.type && d[0].indexOf(+f.type) < 0) return false;
    if (f.region && regionChain(d[1]).indexOf(+f.region) < 0) return false;
    if (f.theme && d[3].indexOf(+f.theme) < 0) return false;
    if (f.level && d[2] !== f.level) return false;
    if (f.year && d[4] !== +f.year) return false;
    if (f.since && d[4] < +f.since) return false;
    if (f.until && d[4] > +f.until) return false;
    return true;
  }

  function facets(results, f) {
    var counts = { type: {}, region: {}, theme: {}, level: {}, year: {} };
    results.forEach(function (r) {
      var d = META.docs[r.doc];
      d[0].forEach(function (t) { counts.type[t] = (counts.type[t] || 0) + 1; });
      regionChain(d[1]).forEach(function (g) { counts.region[g] = (counts.region[g] || 0) + 1; });
      d[3].forEach(function (t) { counts.theme[t] = (counts.theme[t] || 0) + 1; });
      counts.level[d[2]] = (counts.level[d[2]] || 0) + 1;
      counts.year[d[4]] = (counts.year[d[4]] || 0) + 1;
    });
    return counts;
  }

  // Public API for the page and for tests.
  window.KBSearch = {
    search: function (text, filters) {
      var words = parseQuery(text || "");
      if (!words.length) return Promise.resolve({ words: words, all: [], results: [] });
      return lookup(words).then(function (all) {
        var f = filters || {};
        var results = all.filter(function (r) { return passes(META.docs[r.doc], f); });
        return { words: words, all: all, results: results, facets: facets(results, f) };
      });
    },
    // Display records (id, title, place, types, year) for some results; loads their title shards.
    describe: function (results) {
      var shards = {};
      results.forEach(function (r) { shards[Math.floor(r.doc / META.docsPerShard)] = true; });
      return Promise.all(Object.keys(shards).map(function (n) { return loadFile("docs", +n, docWaiters, docData); }))
        .then(function () { return results.map(function (r) { return describe(r.doc); }); });
    },
    meta: META
  };

  // ------------------------------------------------------------------ the page
  var form = document.getElementById("kb-search-form");
  if (!form) return;
  var input = form.querySelector("input[name=q]"), out = document.getElementById("kb-search-results");
  var state = { type: "", region: "", theme: "", level: "", year: "", since: "", until: "" };
  var list = document.getElementById("kb-search-words");
  META.dictionary.forEach(function (w) { var o = document.createElement("option"); o.value = w; list.appendChild(o); });

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }

  function facetBlock(title, key, counts, label) {
    var keys = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
    if (!keys.length) return "";
    return '<div class="kb-facet"><strong>' + title + '</strong>' + keys.map(function (k) {
      var on = String(state[key]) === String(k);
      return '<button type="button" class="kb-facet-item' + (on ? " on" : "") + '" data-key="' + key + '" data-value="' + esc(k) + '">' +
        esc(label(k)) + "（" + counts[k] + "）</button>";
    }).join("") + "</div>";
  }

  function render() {
    var text = input.value.trim();
    var params = new URLSearchParams();
    if (text) params.set("q", text);
    Object.keys(state).forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    if (history.replaceState && location.protocol !== "file:") history.replaceState(null, "", "?" + params.toString());
    if (!text) { out.innerHTML = ""; return; }
    if (parseQuery(text).some(function (w) { return runs(w).join("").length < 2; })) {
      out.innerHTML = '<p class="kb-search-note">每个检索词请至少输入两个字。</p>'; return;
    }
    out.innerHTML = '<p class="kb-search-note">检索中…</p>';
    window.KBSearch.search(text, state).then(function (r) {
      var f = r.facets, html = '<p class="kb-search-count">找到 <strong>' + r.results.length + "</strong> 个案例</p>";
      html += '<div class="kb-facets">' +
        facetBlock("做法类型", "type", f.type, function (k) { return META.types[k][1]; }) +
        facetBlock("地区", "region", f.region, function (k) { return META.regions[k][1]; }) +
        facetBlock("层级", "level", f.level, function (k) { return META.levels[k] || k; }) +
        facetBlock("主题", "theme", f.theme, function (k) { return META.themes[k][1]; }) +
        facetBlock("开始年份", "year", f.year, function (k) { return k + " 年"; }) + "</div>";
      var shown = r.results.slice(0, 50);
      return window.KBSearch.describe(shown).then(function (rows) {
        html += '<ol class="kb-search-list">' + rows.map(function (d) {
          return '<li><a href="' + base + "../cases/" + d.id + '.html">' + esc(d.title) + "</a>" + (d.draft ? "［草稿］" : "") +
            '<br><small>' + esc(d.place) + " · " + esc(d.types.join("、")) + " · " + d.year + "</small></li>";
        }).join("") + "</ol>" + (r.results.length > shown.length ? '<p class="kb-search-note">只显示前 50 个；可用上面的分类缩小范围。</p>' : "");
        out.innerHTML = html;
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
  form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
  var params = new URLSearchParams(location.search);
  if (params.get("q")) input.value = params.get("q");
  Object.keys(state).forEach(function (k) { if (params.get(k)) state[k] = params.get(k); });
  render();
})();
