// The Insurance Program Training Webinar's player (templates/training/webinar.html).
// It only reports what the video does, every few seconds while playing and on play, pause, seek
// and end; the server decides what counts as watched (training/rules.py): a jump ahead or faster
// playback never does. Reports go one at a time, in order, so the server sees them as they happened.
(() => {
  "use strict";
  const player = document.getElementById("webinar-player");
  if (!player) return;
  const video = player.querySelector("video");
  const every = (Number(player.dataset.reportEvery) || 5) * 1000;
  const resumeAt = Number(player.dataset.resumeAt) || 0;
  const progressBar = document.getElementById("webinar-progress");
  const percentText = document.getElementById("webinar-percent");
  const done = document.getElementById("webinar-done");
  const speedNote = document.getElementById("speed-note");
  const resumeOffer = document.getElementById("resume-offer");

  let queue = Promise.resolve();
  let lastPlayed = video.currentTime; // the furthest point reached by playing, not by a jump
  let lastReported = -1;

  function show(state) {
    if (!state) return;
    progressBar.value = state.percent;
    progressBar.textContent = `${state.percent}%`;
    percentText.textContent = `${state.percent}% watched`;
    if (state.watched && done.hidden) {
      done.hidden = false;
      const step = document.querySelector("#training-step-webinar .training-state");
      if (step) {
        step.textContent = "· Watched";
        step.dataset.done = "true";
      }
    }
  }

  function body(event, position) {
    return JSON.stringify({
      event,
      position,
      webinar: Number(player.dataset.webinar),
      duration: Number.isFinite(video.duration) ? video.duration : null,
    });
  }

  function send(event, position, keepalive = false) {
    return fetch(player.dataset.progressUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": player.dataset.csrfToken },
      body: body(event, position),
    });
  }

  function report(event, position) {
    lastReported = position;
    queue = queue
      .then(() => send(event, position))
      .then((response) => (response.ok ? response.json() : null))
      .then(show)
      // A lost report costs a few seconds of credit at most; the next one carries on.
      .catch(() => {});
  }

  video.addEventListener("playing", () => report("play", video.currentTime));
  video.addEventListener("pause", () => {
    // At the end the browser pauses, then ends: "ended" says it all.
    if (!video.ended && !video.seeking) report("pause", video.currentTime);
  });
  video.addEventListener("ended", () => report("ended", video.currentTime));
  video.addEventListener("timeupdate", () => {
    if (!video.seeking) lastPlayed = video.currentTime;
    highlightChapter(video.currentTime);
  });
  video.addEventListener("seeking", () => {
    // What was played up to the jump counts; the jump itself never does.
    if (!video.paused && lastPlayed > lastReported) report("progress", lastPlayed);
  });
  video.addEventListener("seeked", () => {
    lastPlayed = video.currentTime;
    report("seeked", video.currentTime);
  });
  video.addEventListener("ratechange", () => {
    if (video.playbackRate > 1) {
      video.playbackRate = 1;
      speedNote.hidden = false;
    }
  });
  setInterval(() => {
    if (!video.paused && !video.seeking && !video.ended) report("progress", video.currentTime);
  }, every);
  window.addEventListener("pagehide", () => {
    // Leaving mid-play: say where, even as the page goes away.
    if (!video.paused && !video.ended) send("pause", video.currentTime, true).catch(() => {});
  });

  function playFrom(seconds) {
    if (resumeOffer) resumeOffer.hidden = true;
    video.currentTime = seconds;
    video.play().catch(() => {});
  }

  player.querySelector("[data-resume]")?.addEventListener("click", () => playFrom(resumeAt));
  player.querySelector("[data-restart]")?.addEventListener("click", () => playFrom(0));
  document.querySelectorAll("[data-seek]").forEach((button) => {
    button.addEventListener("click", () => playFrom(Number(button.dataset.seek)));
  });

  // The chapter playing now, in the chapter list and in the transcript.
  const chapterItems = [...document.querySelectorAll(".webinar-chapters [data-chapter-start]")];
  const transcriptParts = [...document.querySelectorAll(".transcript-chapter[data-chapter-start]")];
  const transcript = document.querySelector(".webinar-transcript");
  let current = null;
  function highlightChapter(time) {
    const starts = chapterItems.map((item) => Number(item.dataset.chapterStart));
    let index = -1;
    starts.forEach((start, i) => {
      if (start <= time) index = i;
    });
    if (index === current) return;
    current = index;
    chapterItems.forEach((item, i) => {
      if (i === index) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
    transcriptParts.forEach((part, i) => {
      part.classList.toggle("is-current", i === index);
      // Scroll the transcript box only, never the page (on a phone it sits below the video).
      if (i === index && !video.paused) transcript.scrollTo({ top: part.offsetTop, behavior: "smooth" });
    });
  }
  highlightChapter(0);
})();
