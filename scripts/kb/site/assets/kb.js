// Copy-citation buttons on case pages; works offline and from file:// (falls back to a selection).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest(".kb-copy") : null;
  if (!button) return;
  var text = button.getAttribute("data-copy");
  function done() { button.textContent = "已复制"; setTimeout(function () { button.textContent = "复制引文"; }, 1500); }
  function fallback() {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
  }
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
  else fallback();
});
