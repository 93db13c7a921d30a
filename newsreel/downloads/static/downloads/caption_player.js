// Captions beside the player: WebVTT tracks with on/off and language, an interactive transcript (the current
// cue is marked, a cue's timecode seeks to it), and "select text, get the clip": the selected cues set the clip
// tool's in and out, which then cuts exactly those frames.
(function () {
  "use strict";
  const root = document.getElementById("transcript");
  const media = document.getElementById("player") || document.querySelector(".preview audio");
  if (!root || !media) return;
  const lists = Array.from(root.querySelectorAll("ol[data-transcript]"));
  const languageChoice = root.querySelector("[data-role=language]");
  const captionsOn = root.querySelector("[data-role=captions-on]");
  const useSelection = root.querySelector("[data-role=use-selection]");
  const status = root.querySelector("[data-role=status]");
  const inField = document.getElementById("clip-in");
  const outField = document.getElementById("clip-out");
  let anchor = null; // the cue a Shift+choice extends from
  let chosen = null; // [first, last] cue items of the current selection

  if (media.tagName === "VIDEO") {
    lists.forEach((list) => {
      const track = document.createElement("track");
      track.kind = "captions";
      track.srclang = list.lang;
      track.label = list.dataset.label;
      track.src = list.dataset.track;
      media.appendChild(track);
    });
  }

  function currentList() {
    const language = languageChoice ? languageChoice.value : lists[0].lang;
    return lists.find((list) => list.lang === language) || lists[0];
  }

  function applyChoice() {
    const list = currentList();
    lists.forEach((other) => { other.hidden = other !== list; });
    Array.from(media.textTracks || []).forEach((track) => {
      track.mode = captionsOn && captionsOn.checked && track.language === list.lang ? "showing" : "hidden";
    });
    markCurrent();
  }

  function markCurrent() {
    const now = media.currentTime;
    currentList().querySelectorAll("li").forEach((item) => {
      const on = Number(item.dataset.start) <= now && now < Number(item.dataset.end);
      if (on) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
  }

  function setClip(first, last) {
    if (!inField || !outField || !status) return;
    inField.value = first.dataset.in;
    inField.dispatchEvent(new Event("change"));
    outField.value = last.dataset.out;
    outField.dispatchEvent(new Event("change"));
    status.textContent = root.dataset.msgSelected.replace("{in}", first.dataset.in).replace("{out}", last.dataset.out);
  }

  function cueOf(node) {
    const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    const item = element && element.closest("ol[data-transcript] > li");
    return item && root.contains(item) ? item : null;
  }

  function ordered(a, b) {
    const items = Array.from(a.parentElement.children);
    return items.indexOf(a) <= items.indexOf(b) ? [a, b] : [b, a];
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-seek]");
    if (!button) return;
    const item = button.closest("li");
    if (event.shiftKey && anchor && anchor.parentElement === item.parentElement) {
      chosen = ordered(anchor, item);
      setClip(chosen[0], chosen[1]);
      return;
    }
    anchor = item;
    media.currentTime = Number(button.dataset.seek);
  });

  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    const first = selection && !selection.isCollapsed ? cueOf(selection.anchorNode) : null;
    const last = selection && !selection.isCollapsed ? cueOf(selection.focusNode) : null;
    chosen = first && last && first.parentElement === last.parentElement ? ordered(first, last) : null;
    if (useSelection) useSelection.disabled = !chosen || !inField;
  });

  if (useSelection) useSelection.addEventListener("click", () => { if (chosen) setClip(chosen[0], chosen[1]); });
  if (languageChoice) languageChoice.addEventListener("change", applyChoice);
  if (captionsOn) captionsOn.addEventListener("change", applyChoice);
  media.addEventListener("timeupdate", markCurrent);
  media.addEventListener("seeked", markCurrent);
  // Tracks are added after the page loads: their modes are set once the browser knows them.
  if (media.textTracks) media.textTracks.addEventListener("addtrack", applyChoice);
  applyChoice();
})();
