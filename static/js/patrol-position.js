// The patrol's position: where the worker starts and ends (when the browser may tell), and the track while the page is open.
(() => {
  if (!navigator.geolocation) return;
  const MINUTE = 60 * 1000;

  // Start and end: ask once for the position, fill the hidden inputs, then send the form with or without them.
  document.querySelectorAll("form[data-position]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.located) return;
      event.preventDefault();
      const send = () => {
        if (form.dataset.located) return;
        form.dataset.located = "1";
        form.requestSubmit();
      };
      // The browser's timeout does not count the consent prompt: an unanswered prompt must not hold the form.
      setTimeout(send, 12000);
      navigator.geolocation.getCurrentPosition(
        ({ coords }) => {
          form.elements.lon.value = coords.longitude.toFixed(6);
          form.elements.lat.value = coords.latitude.toFixed(6);
          send();
        },
        send,
        { enableHighAccuracy: true, timeout: 10000, maximumAge: MINUTE },
      );
    });
  });

  // The track: while ticked (remembered for this patrol across reloads), one point a minute goes to the server.
  const box = document.querySelector("[data-track-url]");
  if (!box) return;
  box.hidden = false;
  const toggle = box.querySelector("input[type=checkbox]");
  const status = box.querySelector("[data-track-status]");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const remembered = `patrol-track-${box.dataset.trackPatrol}`;
  let watch = null;
  let lastTaken = 0;
  // Points not yet accepted (offline in a stairwell), sent with the next one; the server takes 60 at a time.
  let pending = [];

  const post = async () => {
    const points = pending.slice(-60);
    try {
      const response = await fetch(box.dataset.trackUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
        body: JSON.stringify({ points }),
      });
      // A refused point (the patrol has ended, a wrong clock) would be refused again: it is dropped like an accepted one.
      if (response.ok || response.status === 400 || response.status === 404) pending = pending.filter((point) => !points.includes(point));
      if (!response.ok) status.textContent = (await response.json()).message || "";
    } catch {
      // Offline: the points wait for the next one.
    }
  };

  const taken = ({ coords, timestamp }) => {
    if (timestamp - lastTaken < MINUTE) return;
    lastTaken = timestamp;
    pending.push({ at: new Date(timestamp).toISOString(), lon: +coords.longitude.toFixed(6), lat: +coords.latitude.toFixed(6) });
    status.textContent = status.dataset.recording;
    post();
  };

  const follow = (on) => {
    if (on && watch === null) {
      watch = navigator.geolocation.watchPosition(taken, () => (status.textContent = status.dataset.failed), { enableHighAccuracy: true, maximumAge: 30000 });
    } else if (!on && watch !== null) {
      navigator.geolocation.clearWatch(watch);
      watch = null;
      status.textContent = "";
    }
    if (on) localStorage.setItem(remembered, "1");
    else localStorage.removeItem(remembered);
  };

  toggle.addEventListener("change", () => follow(toggle.checked));
  toggle.checked = localStorage.getItem(remembered) === "1";
  follow(toggle.checked);
})();
