// Newsreel preview player: frame-exact source timecode, frame stepping, in/out marking, storyboard scrubbing.
// Frames are the unit everywhere; timecodes are only how they are shown and typed.
(function () {
  "use strict";

  const video = document.getElementById("player");
  // The item page's clip tool, or the embed's transport (timecode and frame steps, no clip fields).
  const root = document.getElementById("clip-tool") || document.getElementById("player-controls");
  if (!video || !root) return;

  // --- Timecode arithmetic (SMPTE, drop-frame for 29.97 and 59.94) ---------------------------------------
  function parseRate(text) {
    if (!text) return { num: 25, den: 1 };
    const parts = String(text).split("/");
    if (parts.length === 2) return { num: Number(parts[0]), den: Number(parts[1]) };
    const value = Number(text);
    for (const nominal of [24, 30, 48, 60, 120]) {
      if (Math.abs(value - (nominal * 1000) / 1001) < 0.01) return { num: nominal * 1000, den: 1001 };
    }
    return { num: Math.round(value * 1000), den: 1000 };
  }
  const rate = parseRate(video.dataset.rate);
  const fps = rate.num / rate.den;
  const nominal = Math.round(fps);
  const dropFrame = rate.den === 1001 && (nominal === 30 || nominal === 60);
  const dropPerMinute = dropFrame ? 2 * (nominal / 30) : 0;

  function pad(n) { return String(n).padStart(2, "0"); }

  function framesToTc(frames) {
    let f = Math.max(0, frames);
    if (dropFrame) {
      const per10 = nominal * 600 - dropPerMinute * 9;
      const perMin = nominal * 60 - dropPerMinute;
      const tens = Math.floor(f / per10);
      const rem = f % per10;
      const extra = rem < dropPerMinute ? 0 : dropPerMinute * Math.floor((rem - dropPerMinute) / perMin);
      f = f + dropPerMinute * 9 * tens + extra;
    }
    const ff = f % nominal;
    const ss = Math.floor(f / nominal) % 60;
    const mm = Math.floor(f / (nominal * 60)) % 60;
    const hh = Math.floor(f / (nominal * 3600)) % 24;
    return `${pad(hh)}:${pad(mm)}:${pad(ss)}${dropFrame ? ";" : ":"}${pad(ff)}`;
  }

  function tcToFrames(text) {
    const m = /^\s*(\d{1,2}):(\d{2}):(\d{2})[:;.,](\d{2})\s*$/.exec(text || "");
    if (!m) return null;
    const [hh, mm, ss, ff] = m.slice(1).map(Number);
    if (mm > 59 || ss > 59 || ff >= nominal) return null;
    let total = (hh * 3600 + mm * 60 + ss) * nominal + ff;
    if (dropFrame) {
      const minutes = hh * 60 + mm;
      total -= dropPerMinute * (minutes - Math.floor(minutes / 10));
    }
    return total;
  }

  const startOffset = tcToFrames(video.dataset.startTc || "") || 0;  // source timecode of the first frame
  const lastFrame = () => Math.max(0, Math.round((video.duration || 0) * fps) - 1);
  const frameAt = (t) => Math.min(lastFrame(), Math.floor(t * fps + 1e-6));
  const sourceTc = (frame) => framesToTc(frame + startOffset);

  // --- Elements --------------------------------------------------------------------------------------------
  const $ = (sel) => root.querySelector(sel);
  const tcDisplay = $("[data-role=timecode]");
  const inField = $("input[name=tc_in]");
  const outField = $("input[name=tc_out]");
  const durationOut = $("[data-role=duration]");
  const errorOut = $("[data-role=error]");
  const submit = $("button[type=submit]");
  let current = 0;
  let mark = { in: null, out: null };

  function seekFrame(frame) {
    const f = Math.max(0, Math.min(lastFrame(), frame));
    video.pause();
    // The middle of the frame's display interval, so rounding never lands on a neighbour.
    video.currentTime = (f + 0.5) / fps;
    current = f;
    render();
  }

  function render() {
    tcDisplay.textContent = sourceTc(current);
    if (!inField) return;  // no clip tool (the embed)
    if (document.activeElement !== inField) inField.value = mark.in === null ? "" : sourceTc(mark.in);
    if (document.activeElement !== outField) outField.value = mark.out === null ? "" : sourceTc(mark.out);
    let problem = rangeProblem();
    if (mark.in !== null && mark.out !== null) {
      const frames = mark.out - mark.in;
      if (!problem && frames <= 0) problem = root.dataset.msgOrder;
      durationOut.textContent = frames > 0
        ? `${framesToTc(frames)} (${frames} ${root.dataset.msgFrames}, ${(frames / fps).toFixed(2)} s)` : "—";
    } else {
      durationOut.textContent = "—";
    }
    errorOut.textContent = problem;
    if (submit) submit.disabled = Boolean(problem) || mark.in === null || mark.out === null;
  }

  // A point outside the video is named as such, not reported as an in/out order problem (same rules and
  // messages as the server: the out point is exclusive, so it may equal the frame count).
  function message(name, values) {
    return (root.dataset[name] || "").replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
  }
  function rangeProblem() {
    if (!video.duration) return "";
    const frames = lastFrame() + 1;
    const first = sourceTc(0), end = sourceTc(frames);
    if (mark.in !== null && mark.in < 0) return message("msgInBefore", { tc: sourceTc(mark.in), start: first });
    if (mark.in !== null && mark.in >= frames) return message("msgInAfter", { tc: sourceTc(mark.in), end: end });
    if (mark.out !== null && mark.out > frames) return message("msgOutAfter", { tc: sourceTc(mark.out), end: end });
    return "";
  }

  // The out point is exclusive: marking "out" on a frame keeps that frame in the clip.
  function markIn() { mark.in = current; if (mark.out !== null && mark.out <= mark.in) mark.out = null; render(); }
  function markOut() { mark.out = current + 1; render(); }

  function track() {
    // While a seek is pending, events from the previous position must not undo a frame step.
    if (video.seeking) return;
    current = frameAt(video.currentTime);
    render();
  }
  if ("requestVideoFrameCallback" in HTMLVideoElement.prototype) {
    const onFrame = (_now, meta) => {
      if (!video.seeking) { current = frameAt(meta.mediaTime); render(); }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
  video.addEventListener("timeupdate", track);
  video.addEventListener("seeked", track);
  video.addEventListener("loadedmetadata", track);

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    event.preventDefault();
    const action = button.dataset.action;
    if (action === "prev") seekFrame(current - 1);
    if (action === "next") seekFrame(current + 1);
    if (action === "in") markIn();
    if (action === "out") markOut();
    if (action === "go-in" && mark.in !== null) seekFrame(mark.in);
    if (action === "go-out" && mark.out !== null) seekFrame(mark.out - 1);
  });

  function typed(field, which) {
    field.addEventListener("change", () => {
      const frames = tcToFrames(field.value);
      if (frames === null) {
        errorOut.textContent = root.dataset.msgBadTc;
        return;
      }
      mark[which] = frames - startOffset;
      const problem = rangeProblem();
      if (problem) {
        errorOut.textContent = problem;
        if (submit) submit.disabled = true;
        return;
      }
      seekFrame(which === "out" ? mark.out - 1 : mark.in);
    });
  }
  if (inField) { typed(inField, "in"); typed(outField, "out"); }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
        || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (key === "ArrowLeft") { seekFrame(current - (event.shiftKey ? nominal : 1)); event.preventDefault(); }
    else if (key === "ArrowRight") { seekFrame(current + (event.shiftKey ? nominal : 1)); event.preventDefault(); }
    else if (inField && (key === "i" || key === "I")) { markIn(); event.preventDefault(); }
    else if (inField && (key === "o" || key === "O")) { markOut(); event.preventDefault(); }
    else if (key === " " && target === document.body) { if (video.paused) video.play(); else video.pause(); event.preventDefault(); }
  });

  // --- Shotlist: click a row to seek; its buttons set the clip to the shot ----------------------------------
  document.querySelectorAll("table.shotlist tbody tr[data-in]").forEach((row) => {
    // Shotlist timecodes are source timecodes; marks and seeks count frames of the file.
    const tin = tcToFrames(row.dataset.in);
    const tout = tcToFrames(row.dataset.out);
    const fin = tin === null ? null : Math.max(0, tin - startOffset);
    const fout = tout === null ? null : Math.max(0, tout - startOffset);
    row.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-shot]");
      if (button) {
        event.preventDefault();
        mark = { in: fin, out: fout };
        seekFrame(fin);
        return;
      }
      if (fin !== null) seekFrame(fin);
    });
  });

  // --- Storyboard scrubbing ---------------------------------------------------------------------------------
  const boardData = document.getElementById("storyboard-data");
  const scrub = $("[data-role=scrub]");
  if (boardData && scrub) {
    const board = JSON.parse(boardData.textContent);
    const thumb = $("[data-role=scrub-thumb]");
    thumb.style.width = `${board.tile_width}px`;
    thumb.style.height = `${board.tile_height}px`;
    const position = (event) => {
      const box = scrub.getBoundingClientRect();
      const x = Math.max(0, Math.min(box.width, event.clientX - box.left));
      return { x, seconds: (x / box.width) * (video.duration || 0) };
    };
    scrub.addEventListener("pointermove", (event) => {
      const { x, seconds } = position(event);
      const tile = board.tiles[Math.min(board.tiles.length - 1, Math.floor(seconds / board.interval))];
      if (!tile) return;
      thumb.hidden = false;
      thumb.style.backgroundImage = `url("${board.sheets[tile.sheet]}")`;
      thumb.style.backgroundPosition = `-${tile.x}px -${tile.y}px`;
      thumb.style.left = `${Math.max(0, x - board.tile_width / 2)}px`;
      thumb.title = sourceTc(frameAt(seconds));
    });
    scrub.addEventListener("pointerleave", () => { thumb.hidden = true; });
    scrub.addEventListener("click", (event) => seekFrame(frameAt(position(event).seconds)));
  }

  // Links to a frame (docs/embeds.md): ?t= or #t= with a source timecode (10:00:03:04, as the player and the
  // shotlist show it) or seconds from the start of the file (12.48, the media fragment's unit), rounded to the
  // nearest frame as the server does (newsreel/catalogue/timelinks.py). Anything else is ignored.
  function linkFrame(text) {
    const value = (text || "").trim();
    if (!value || value.length > 32) return null;
    const frame = /^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * fps) : tcToFrames(value);
    if (frame === null) return null;
    const inFile = /^\d+(\.\d+)?$/.test(value) ? frame : frame - startOffset;
    return inFile >= 0 && inFile <= lastFrame() ? inFile : null;
  }
  function decoded(text) { try { return decodeURIComponent(text); } catch (_e) { return ""; } }
  const linked = new URLSearchParams(window.location.search).get("t")
    || decoded((/[#&]t=([^&]+)/.exec(window.location.hash) || [])[1]);
  function openLinked() {
    const frame = linkFrame(linked);
    if (frame === null) return;
    // On the item page the in point follows, ready for "Mark out": a shared moment is usually a clip's start.
    if (inField) mark.in = frame;
    seekFrame(frame);
  }
  if (linked) {
    if (video.readyState >= 1) openLinked();
    else video.addEventListener("loadedmetadata", openLinked, { once: true });
  }

  window.newsreelPlayer = { framesToTc, tcToFrames, linkFrame, seekFrame, linkValue: () => sourceTc(current),
    get current() { return current; }, get mark() { return { ...mark }; } };
  render();
})();
