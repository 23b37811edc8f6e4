// Compare page: ?ids=a,b,c puts up to four cases side by side. Each case's fields come from
// compare/<id>.js (a script tag, so it works from file://); the picker reuses the site search.
(function () {
  "use strict";
  var MAX = 4, base = document.currentScript.src.replace(/compare\.js(\?.*)?$/, "");
  var ids = (new URLSearchParams(location.search).get("ids") || "").split(",").filter(Boolean).slice(0, MAX);
  var loaded = {}, table = document.getElementById("kb-compare-table"), picker = document.getElementById("kb-compare-picker");

  window.KB_CASE = function (record) { loaded[record.id] = record; if (ids.every(function (id) { return loaded[id]; })) draw(); };
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function go(list) { location.search = list.length ? "?ids=" + list.join(",") : ""; }

  function draw() {
    if (!ids.length) { table.innerHTML = '<p class="kb-search-note">还没有选择案例：用下面的检索框添加 2–4 个案例。</p>'; return; }
    var cases = window.KB_COMPARE_SELECTED = ids.map(function (id) { return loaded[id]; });
    var html = '<div class="kb-compare-scroll"><table class="kb-compare"><thead><tr><th>字段</th>' + cases.map(function (c) {
      return '<th><a href="' + base + "../cases/" + c.id + '.html">' + esc(c.title) + "</a>" + (c.draft ? "［草稿］" : "") +
        ' <button type="button" class="kb-compare-remove" data-id="' + esc(c.id) + '" title="移出对比">×</button></th>';
    }).join("") + "</tr></thead><tbody>";
    window.KB_COMPARE_ROWS.forEach(function (row, i) {
      html += "<tr><th>" + esc(row) + "</th>" + cases.map(function (c) { return "<td>" + c.fields[i] + "</td>"; }).join("") + "</tr>";
    });
    table.innerHTML = html + "</tbody></table></div>";
  }

  ids.forEach(function (id) {
    var script = document.createElement("script");
    script.src = base + id + ".js";
    script.onerror = function () { ids = ids.filter(function (x) { return x !== id; }); draw(); };
    document.head.appendChild(script);
  });
  if (!ids.length) draw();

  table.addEventListener("click", function (e) {
    var b = e.target.closest(".kb-compare-remove");
    if (b) go(ids.filter(function (id) { return id !== b.getAttribute("data-id"); }));
  });

  var form = picker.querySelector("form"), input = picker.querySelector("input"), list = picker.querySelector("ol");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    window.KBSearch.search(input.value).then(function (r) { return window.KBSearch.describe(r.results.slice(0, 10)); }).then(function (rows) {
      list.innerHTML = rows.length ? rows.map(function (d) {
        var chosen = ids.indexOf(d.id) >= 0, full = ids.length >= MAX;
        return "<li>" + esc(d.title) + (d.draft ? "［草稿］" : "") + " <small>" + esc(d.place) + " · " + esc(d.year) + "</small> " +
          (chosen ? "（已在对比中）" : full ? "（最多对比 4 个）" :
            '<button type="button" class="md-button kb-compare-add" data-id="' + esc(d.id) + '">加入对比</button>') + "</li>";
      }).join("") : "<li>没有找到匹配的案例。</li>";
    });
  });
  list.addEventListener("click", function (e) {
    var b = e.target.closest(".kb-compare-add");
    if (b) go(ids.concat([b.getAttribute("data-id")]));
  });
})();
