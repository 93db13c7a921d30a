// Clip status page: poll the small JSON endpoint until the clip is ready, then offer the download.
(function () {
  "use strict";
  const root = document.getElementById("clip-status");
  if (!root) return;
  const state = root.querySelector("[data-role=state]");
  const bar = root.querySelector("[data-role=progress]");
  const link = root.querySelector("[data-role=download]");
  let delay = 1000;

  function show(data) {
    if (typeof data.progress === "number") bar.value = data.progress;
    if (data.status === "ready") {
      state.textContent = root.dataset.msgReady;
      bar.hidden = true;
      link.href = data.download_url;
      link.hidden = false;
      const extras = document.querySelector("[data-role=extras]");
      if (extras && data.clip_query) {
        extras.querySelectorAll("a[data-clip-link]").forEach((a) => { a.href = a.href.split("?")[0] + "?" + data.clip_query; });
        extras.hidden = false;
      }
      return true;
    }
    if (data.status === "failed" || data.status === "expired") {
      state.textContent = data.message || root.dataset.msgFailed;
      bar.hidden = true;
      return true;
    }
    return false;
  }

  function poll() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => { if (!show(data)) setTimeout(poll, delay); })
      .catch(() => { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  if (link.hidden && !bar.hidden) setTimeout(poll, delay);
})();
