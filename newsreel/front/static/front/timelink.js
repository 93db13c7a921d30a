// "Copy link at this timecode" (docs/embeds.md), on the item page and in the embed; the Embed control's "Copy
// code"; and, for audio, opening a link at its moment (the video player, catalogue/player.js, opens its own). The link is the item page's address
// with ?t=: the video's source timecode of the frame on screen, or the audio's time as HH:MM:SS.mmm.
(function () {
  "use strict";

  // Writes text to the clipboard; where the browser refuses (no API, an insecure context, a frame without the
  // clipboard-write permission), the field holding the text is focused and selected for the reader to copy.
  function copy(text, field, status, messages) {
    const say = (words) => {
      // Emptied first, so the same words said twice are announced twice.
      status.textContent = "";
      window.setTimeout(() => { status.textContent = words; }, 50);
    };
    const manual = () => { field.hidden = false; field.focus(); field.select(); say(messages.manual); };
    const clipboard = navigator.clipboard && window.isSecureContext ? navigator.clipboard : null;
    if (!clipboard) { manual(); return; }
    clipboard.writeText(text).then(() => say(messages.copied), manual);
  }

  // The item page's Embed control: the iframe code is in a read-only field; the button copies it.
  const embedBox = document.querySelector("[data-copy-code]");
  if (embedBox) {
    const codeButton = embedBox.querySelector("[data-action=copy-code]");
    const code = embedBox.querySelector("textarea");
    codeButton.hidden = false;
    codeButton.addEventListener("click", () => copy(code.value, code, embedBox.querySelector("[data-role=copy-status]"),
      { copied: embedBox.dataset.msgCopied, manual: embedBox.dataset.msgManual }));
  }

  const box = document.querySelector("[data-timelink]");
  if (!box) return;
  const button = box.querySelector("[data-action=copy-link]");
  const field = box.querySelector("[data-role=link-field]");
  const input = field.querySelector("input");
  const status = box.querySelector("[data-role=link-status]");
  const audio = document.querySelector("#audio-player audio");

  function pad(n, width) { return String(n).padStart(width || 2, "0"); }
  function clock(seconds) {
    const ms = Math.round(seconds * 1000);
    return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
  }

  // Seconds (83.52) or clock time ([HH:]MM:SS[.fff]), with an optional "npt:": what the server reads too
  // (newsreel/catalogue/timelinks.py). Anything else is ignored and the recording starts at the beginning.
  function audioSeconds(text) {
    let value = (text || "").trim();
    if (value.startsWith("npt:")) value = value.slice(4);
    if (!value || value.length > 32) return null;
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
    const m = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value);
    if (!m || Number(m[2]) > 59 || Number(m[3]) >= 60) return null;
    return (Number(m[1] || 0) * 60 + Number(m[2])) * 60 + Number(m[3]);
  }

  function linkValue() {
    if (audio) return clock(audio.currentTime || 0);
    return window.newsreelPlayer ? window.newsreelPlayer.linkValue() : null;
  }

  function link() {
    const url = new URL(box.dataset.linkPath, window.location.origin);
    const value = linkValue();
    if (value) url.searchParams.set("t", value);
    // Colons and semicolons are legal in a query; kept as typed, the link reads like the timecode it names.
    return url.href.replace(/%3A/gi, ":").replace(/%3B/gi, ";");
  }

  button.hidden = false;
  button.addEventListener("click", () => {
    const url = link();
    input.value = url;
    field.hidden = false;  // shown whether copied or not: the reader sees the link
    copy(url, input, status, { copied: box.dataset.msgCopied, manual: box.dataset.msgManual });
  });

  if (audio) {
    const linked = new URLSearchParams(window.location.search).get("t")
      || (/[#&]t=([^&]+)/.exec(window.location.hash) || [])[1];
    const seconds = audioSeconds(linked);
    if (seconds !== null) {
      const open = () => { if (seconds < (audio.duration || Infinity)) audio.currentTime = seconds; };
      if (audio.readyState >= 1) open();
      else { audio.addEventListener("loadedmetadata", open, { once: true }); audio.preload = "metadata"; audio.load(); }
    }
  }
})();
