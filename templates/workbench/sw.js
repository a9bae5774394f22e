// The field app's service worker: pages the user fetched are kept for offline use; static files are kept per version.
const VERSION = "{{ version }}";
const STATIC_CACHE = `static-${VERSION}`;
// One user's pages only: emptied at logout (Clear-Site-Data) and when another user logs in on this phone.
const PAGES = "pages";
const STATIC_URLS = {{ static_urls|safe }};
const KEPT = {{ kept_paths|safe }}.map((pattern) => new RegExp(pattern));
const OFFLINE_URL = {{ offline_url|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(STATIC_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("static-") && name !== STATIC_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

const kept = (url) => url.origin === self.location.origin && KEPT.some((pattern) => pattern.test(url.pathname));

// A page fetched with the user's session is kept unless the session had expired (a redirect to the login page).
async function keep(request, response) {
  if (response.ok && !response.redirected && kept(new URL(request.url))) {
    const cache = await caches.open(PAGES);
    await cache.put(request.url, response.clone());
  }
  return response;
}

async function fromNetworkElseKept(request) {
  try {
    return await keep(request, await fetch(request));
  } catch (error) {
    const cache = await caches.open(PAGES);
    return (await cache.match(request.url)) || (await cache.match(OFFLINE_URL)) || Response.error();
  }
}

async function fromStaticElseNetwork(request) {
  const cached = await caches.match(request, { cacheName: STATIC_CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromStaticElseNetwork(event.request));
  } else if (event.request.mode === "navigate" || kept(url)) {
    event.respondWith(fromNetworkElseKept(event.request));
  }
});

// The page asks for the user's pages to be fetched and kept (when online); it is told how many were kept.
self.addEventListener("message", (event) => {
  const { type, pages } = event.data || {};
  if (type === "reset") {
    event.waitUntil(caches.delete(PAGES));
  } else if (type === "keep") {
    event.waitUntil(keepAll(pages, event.source));
  }
});

async function keepAll(pages, client) {
  let done = 0;
  const queue = [...pages];
  // Four at a time: a cheap phone on a weak signal should not be flooded.
  const workers = Array.from({ length: 4 }, async () => {
    while (queue.length) {
      const url = new URL(queue.shift(), self.location.origin);
      try {
        await keep(new Request(url), await fetch(url, { credentials: "same-origin" }));
        done += 1;
      } catch (error) {
        return;
      }
    }
  });
  await Promise.all(workers);
  client.postMessage({ type: "kept", count: done, total: pages.length, at: new Date().toISOString() });
}
