// MkDocs' live reload for `kb serve`, as a file: the pages carry the site's
// Content-Security-Policy, which lets no inline script run. The script tag the preview adds to
// each page it serves tells the version of the site the page shows (data-epoch).
(function () {
  var script = document.currentScript;
  var epoch = script.dataset.epoch, requestId = script.dataset.request;
  var req, timeout;

  var poll = function () {
    req = new XMLHttpRequest();
    req.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) {
        location.reload();
      } else {
        timeout = setTimeout(poll, this.status === 200 ? 0 : 3000);
      }
    };
    req.open("GET", "/livereload/" + epoch + "/" + requestId);  // where MkDocs answers
    req.send();
  };

  var stop = function () {
    if (req) req.abort();
    if (timeout) clearTimeout(timeout);
    req = timeout = undefined;
  };

  window.addEventListener("load", function () {
    if (document.visibilityState === "visible") poll();
  });
  window.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") poll(); else stop();
  });
  window.addEventListener("beforeunload", stop);
})();
