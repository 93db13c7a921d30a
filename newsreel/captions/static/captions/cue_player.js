// The back office's cue list: each cue's ▶ plays the item's preview from the cue's first frame.
(function () {
  "use strict";
  const player = document.getElementById("cue-player");
  if (!player) return;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-seek]");
    if (!button) return;
    event.preventDefault();
    player.currentTime = Number(button.dataset.seek);
    player.play();
  });
})();
