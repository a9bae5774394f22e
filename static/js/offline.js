// The field app on the page: keeps the user's pages for offline use, queues forms sent offline and sends them when back.
(() => {
  const body = document.body;
  const user = body.dataset.offlineUser;
  if (!user || !("serviceWorker" in navigator) || !("indexedDB" in window)) return;
  const text = JSON.parse(document.getElementById("offline-text").textContent);
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  const KEEP_EVERY_MS = 15 * 60 * 1000;
  const MAX_SIDE = 1600;

  // Another user on this phone: drop what the previous one kept before anything else happens.
  if (localStorage.getItem("offlineUser") !== user) {
    localStorage.removeItem("offlineKeptAt");
    localStorage.setItem("offlineUser", user);
    navigator.serviceWorker.ready.then((registration) => registration.active.postMessage({ type: "reset" }));
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" });

  // --- the queue (IndexedDB: one record per form sent offline, keyed by its Idempotency-Key) ---
  const database = new Promise((resolve, reject) => {
    const opening = indexedDB.open("field-queue", 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("items", { keyPath: "key" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  async function store(mode, work) {
    const db = await database;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction("items", mode);
      const result = work(transaction.objectStore("items"));
      transaction.oncomplete = () => resolve(result && result.result);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const items = async () => ((await store("readonly", (s) => s.getAll())) || []).filter((item) => item.user === user).sort((a, b) => a.created - b.created);
  const save = (item) => store("readwrite", (s) => s.put(item));
  const forget = (key) => store("readwrite", (s) => s.delete(key));

  // --- photos are made small on the phone before they are queued or sent ---
  async function smaller(file) {
    if (!(file instanceof File) || !file.size || !file.type.startsWith("image/")) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
      return blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file;
    } catch (error) {
      return file; // A format the phone cannot draw (HEIC on some phones) goes as it is; the server converts it.
    }
  }
  async function fieldsOf(form, submitter) {
    const fields = [];
    // The form's CSRF token may be stale when the queue is sent (a new login): the header carries the current one.
    for (const [name, value] of new FormData(form, submitter)) if (name !== "csrfmiddlewaretoken") fields.push([name, await smaller(value)]);
    return fields;
  }
  function formData(fields) {
    const data = new FormData();
    for (const [name, value] of fields) data.append(name, value);
    return data;
  }
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  // --- sending: a redirect is done (the pages answer post/redirect/get), the login page means log in again ---
  async function send(item) {
    const response = await fetch(item.url, {
      method: "POST",
      body: formData(item.fields),
      headers: { "Idempotency-Key": item.key, "X-CSRFToken": csrf() },
      credentials: "same-origin",
    });
    if (response.redirected && new URL(response.url).pathname.startsWith("/accounts/login/")) return { state: "login", response };
    if (response.redirected || response.type === "opaqueredirect") return { state: "done", response };
    return { state: "refused", response };
  }
  async function refusal(response) {
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const shown = page.querySelector("[data-error-summary], main .alert-danger");
    return shown ? shown.innerText.trim() : fill(text.refused, { status: response.status });
  }

  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      for (const item of await items()) {
        // "sending" left by a page that closed mid-send is sent again: the Idempotency-Key makes that safe.
        if (item.state === "conflict") continue;
        item.state = "sending";
        await save(item);
        await render();
        let outcome;
        try {
          outcome = await send(item);
        } catch (error) {
          item.state = "pending"; // Still no network: the rest waits too.
          await save(item);
          break;
        }
        if (outcome.state === "done") {
          await forget(item.key);
        } else if (outcome.state === "login") {
          item.state = "pending";
          item.message = text.login;
          await save(item);
          break;
        } else {
          item.state = "conflict";
          item.message = await refusal(outcome.response);
          await save(item);
        }
      }
    } finally {
      syncing = false;
      await render();
    }
  }

  // --- forms marked data-offline: sent by the browser as usual when online, queued when not ---
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    // Another script holds the form back first (the patrol asks for the position): it submits again when done.
    if (!form.matches("form[data-offline]") || event.defaultPrevented || navigator.onLine) return;
    event.preventDefault();
    const submitter = event.submitter;
    if (submitter) submitter.disabled = true;
    const item = {
      key: crypto.randomUUID(),
      user,
      url: new URL(form.action || location.href, location.href).href,
      label: form.dataset.offline,
      fields: await fieldsOf(form, submitter),
      created: Date.now(),
      state: "pending",
      message: "",
    };
    await save(item);
    form.reset();
    // A queued step may open the next one (a patrol started offline can be ended offline).
    if (form.dataset.offlineThen) {
      form.hidden = true;
      document.querySelector(form.dataset.offlineThen).hidden = false;
    }
    if (submitter) submitter.disabled = false;
    const notice = document.createElement("div");
    notice.className = "alert alert-success mt-2";
    notice.setAttribute("role", "status");
    notice.dataset.queued = "";
    notice.textContent = text.queued;
    form.after(notice);
    await render();
  });

  // The queue is lost at logout (the browser wipes the site's storage): say so first.
  let waiting = 0;
  document.addEventListener("submit", (event) => {
    if (!event.target.querySelector("[data-logout]") || !waiting) return;
    if (!confirm(fill(text.logout, { n: waiting }))) event.preventDefault();
  });

  // --- what the user sees: the 待同步 badge, the offline line, the queue on the 待同步 page ---
  async function render() {
    const all = await items();
    waiting = all.length;
    for (const badge of document.querySelectorAll("[data-sync-badge]")) {
      badge.hidden = all.length === 0;
      badge.querySelector("[data-sync-count]").textContent = all.length;
    }
    const list = document.querySelector("[data-sync-list]");
    if (!list) return;
    list.replaceChildren(
      ...all.map((item) => {
        const row = document.createElement("li");
        row.className = "list-group-item";
        row.dataset.state = item.state;
        const title = document.createElement("div");
        title.className = "d-flex justify-content-between gap-2";
        title.innerHTML = "<span class=fw-semibold></span><span class=badge></span>";
        title.firstChild.textContent = item.label;
        title.lastChild.textContent = text.states[item.state];
        title.lastChild.classList.add(item.state === "conflict" ? "text-bg-danger" : "text-bg-warning");
        row.append(title);
        const meta = document.createElement("div");
        meta.className = "meta";
        meta.textContent = new Date(item.created).toLocaleString();
        row.append(meta);
        if (item.message) {
          const message = document.createElement("div");
          message.className = "small text-danger";
          message.dataset.syncMessage = "";
          message.textContent = item.message;
          row.append(message);
        }
        const written = item.fields.filter(([name, value]) => typeof value === "string" && value.length > 1 && /note|findings|needs|description|notes/.test(name));
        for (const [, value] of written) {
          const kept = document.createElement("blockquote");
          kept.className = "small border-start ps-2 mb-1";
          kept.dataset.syncKept = "";
          kept.textContent = value;
          row.append(kept);
        }
        if (item.state === "conflict") {
          const actions = document.createElement("div");
          actions.className = "d-flex gap-2 mt-1";
          for (const [label, work] of [[text.retry, () => save({ ...item, state: "pending", message: "" }).then(sync)], [text.remove, () => forget(item.key).then(render)]]) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-sm btn-outline-secondary";
            button.textContent = label;
            button.addEventListener("click", work);
            actions.append(button);
          }
          row.append(actions);
        }
        return row;
      }),
    );
    document.querySelector("[data-sync-empty]").hidden = all.length > 0;
  }

  function showConnection() {
    const banner = document.querySelector("[data-offline-banner]");
    if (banner) banner.hidden = navigator.onLine;
  }

  // --- keeping the user's pages: on opening the app online, at most every 15 minutes ---
  async function keepPages() {
    if (!navigator.onLine || Date.now() - Number(localStorage.getItem("offlineKeptAt") || 0) < KEEP_EVERY_MS) return;
    const response = await fetch("/offline/pages.json", { credentials: "same-origin" });
    if (!response.ok) return;
    const { pages } = await response.json();
    (await navigator.serviceWorker.ready).active.postMessage({ type: "keep", pages });
  }
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "kept") {
      localStorage.setItem("offlineKeptAt", String(Date.now()));
      body.dataset.offlineKept = String(event.data.count);
    }
  });

  window.addEventListener("online", () => {
    showConnection();
    sync();
  });
  window.addEventListener("offline", showConnection);
  showConnection();
  render().then(sync);
  keepPages();
})();
