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

// Wide tables, the compare table and charts scroll sideways on a phone: a box that does gets the
// class kb-scrolls and a line above it saying so, and kb-more-right while more is hidden on the right.
(function () {
  var BOXES = ".md-typeset__scrollwrap, .kb-compare-scroll, .kb-figure";
  function hintOf(box) {
    var before = box.previousElementSibling;
    return before && before.classList.contains("kb-scroll-hint") ? before : null;
  }
  function mark(box) {
    var hidden = box.scrollWidth - box.clientWidth, hint = hintOf(box);
    box.classList.toggle("kb-scrolls", hidden > 2);
    box.classList.toggle("kb-more-right", hidden > 2 && box.scrollLeft < hidden - 2);
    if (hidden > 2 && !hint) {
      hint = document.createElement("p");
      hint.className = "kb-scroll-hint";
      hint.textContent = "内容较宽，左右滑动查看 →";
      box.parentNode.insertBefore(hint, box);
    } else if (hidden <= 2 && hint) {
      hint.parentNode.removeChild(hint);
    }
  }
  var queued = false;
  function markAll() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () { queued = false; Array.prototype.forEach.call(document.querySelectorAll(BOXES), mark); });
  }
  document.addEventListener("scroll", function (event) {
    if (event.target.matches && event.target.matches(BOXES)) mark(event.target);
  }, true);
  window.addEventListener("resize", markAll);
  window.addEventListener("load", markAll);
  new MutationObserver(markAll).observe(document.body, { childList: true, subtree: true });
  markAll();
})();
