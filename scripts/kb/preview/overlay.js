// kb serve only: shows the problems of a refused save over the page, removes them once fixed;
// the problems of drafts left off the site go in a corner notice that leaves the page in view.
(function () {
  var script = document.currentScript;
  if (!script || !/^https?:/.test(location.protocol)) return;
  var statusUrl = new URL("../kb-preview-status.json", script.src).href;
  var overlay = null;

  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "kb-preview-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:100000;overflow:auto;background:#fff;" +
        "color:#222;padding:2rem;font:16px/1.6 sans-serif;border-top:6px solid #c62828";
      document.body.appendChild(overlay);
    }
    overlay.innerHTML = "";
    var title = document.createElement("h2");
    title.style.cssText = "color:#c62828;margin:0 0 .5rem";
    title.textContent = "保存的内容有 " + problems.length + " 个错误，网页暂未更新";
    var note = document.createElement("p");
    note.textContent = "按下面的提示改好文件并保存，这个提示会自动消失（也可以在终端运行 kb validate 查看）。";
    var list = document.createElement("ol");
    list.style.cssText = "font:14px/1.6 monospace;padding-left:1.5rem";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "kb-preview-problem";
      item.textContent = p.text;
      list.appendChild(item);
    });
    overlay.append(title, note, list);
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var notice = null;

  function showDrafts(drafts) {
    if (!notice) {
      notice = document.createElement("details");
      notice.id = "kb-preview-drafts";
      notice.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:100000;max-width:40rem;max-height:60vh;" +
        "overflow:auto;background:#fffde7;color:#222;padding:.5rem 1rem;font:14px/1.6 sans-serif;" +
        "border:1px solid #f9a825;border-left:6px solid #f9a825;box-shadow:0 2px 8px rgba(0,0,0,.2)";
      document.body.appendChild(notice);
    }
    var open = notice.open;
    notice.innerHTML = "";
    var summary = document.createElement("summary");
    summary.style.cssText = "cursor:pointer;font-weight:bold";
    summary.textContent = drafts.length + " 个草稿有问题，暂不进入网站（其余页面照常更新）";
    notice.appendChild(summary);
    drafts.forEach(function (d) {
      var head = document.createElement("p");
      head.style.cssText = "margin:.5rem 0 0";
      head.textContent = d.label + " " + d.file;
      var list = document.createElement("ul");
      list.style.cssText = "font:13px/1.5 monospace;padding-left:1.2rem;margin:0";
      d.problems.forEach(function (text) {
        var item = document.createElement("li");
        item.className = "kb-preview-draft-problem";
        item.textContent = text;
        list.appendChild(item);
      });
      notice.append(head, list);
    });
    notice.open = open;
  }

  function hideDrafts() {
    if (notice) { notice.remove(); notice = null; }
  }

  function poll() {
    fetch(statusUrl, {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : {problems: []}; })
      .then(function (s) {
        (s.problems && s.problems.length) ? show(s.problems) : hide();
        (s.drafts && s.drafts.length) ? showDrafts(s.drafts) : hideDrafts();
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 250); });
  }
  poll();
})();
