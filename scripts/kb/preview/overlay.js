// kb serve only: shows the problems of a refused save over the page, removes them once fixed.
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

  function poll() {
    fetch(statusUrl, {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : {problems: []}; })
      .then(function (s) { (s.problems && s.problems.length) ? show(s.problems) : hide(); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 250); });
  }
  poll();
})();
