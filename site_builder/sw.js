// The site's service worker: written by site-builder with every build (site_builder/webapp.py);
// do not edit output/sw.js. It makes the pages a tourist opened readable with no network.
//   pages and photos: network first (a returning network always shows today's price),
//                     the copy kept here only when the network fails;
//   assets/ (named by a hash of their bytes): cache first, they never change.
// A page asks it (message {keep: [urls]}) to keep the item's pages in every language and
// its booklet chapter, and is told (this worker's version) when they are kept. With
// {scanned: [paths], page}, a scan of the item's printed code made with no network (a
// tourist scanning the box again in the village) is sent to that kept page.
// The version is a hash of the build's content: a build with any change is a new worker,
// which drops the copies of the previous one.
"use strict";
const VERSION = "__VERSION__";
const CACHE = "site-builder-" + VERSION;
const ASSETS = new URL("__ASSETS__", self.location).pathname;
const SCANS = CACHE + "-scans"; // a code's address (scanKey) -> the page it was kept for

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith("site-builder-") && n !== CACHE && n !== SCANS)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function ours(url) {
  return new URL(url, self.location).origin === self.location.origin;
}

function keepable(response) {
  return response && response.status === 200 && response.type === "basic" && !response.redirected;
}

async function keepOne(cache, url) {
  if (await cache.match(url)) return; // this version's copy: the same bytes
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (keepable(response)) await cache.put(url, response);
  } catch (e) {
    // offline already: the next visit tries again
  }
}

// /Q/XM-D01, /q/xm-d01/, /Q/XM-D01.html: one key, as the host serves them all alike
function scanKey(path) {
  const plain = path.replace(/(\/index\.html|\.html|\/)$/i, "").toUpperCase();
  return new URL("scan?" + encodeURIComponent(plain), self.location).href;
}

async function rememberScans(scanned, page) {
  if (!Array.isArray(scanned) || typeof page !== "string" || !ours(page)) return;
  const paths = scanned.filter((p) => typeof p === "string" && p.startsWith("/"));
  const cache = await caches.open(SCANS);
  const target = new URL(page, self.location).pathname;
  await Promise.all(paths.map((p) => cache.put(scanKey(p), new Response(target))));
}

async function scannedPage(path) {
  const kept = await caches.match(scanKey(path), { cacheName: SCANS });
  return kept ? new URL(await kept.text(), self.location).href : null;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const keep = data.keep;
  if (!Array.isArray(keep)) return;
  const urls = [...new Set(keep.filter((u) => typeof u === "string" && u && ours(u)))];
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(urls.map((u) => keepOne(cache, u))))
      .then(() => rememberScans(data.scanned, data.page))
      .then(() => event.ports[0] && event.ports[0].postMessage(VERSION)),
  );
});

// The response goes to the page at once (it renders while it downloads); its copy is
// stored alongside, under event.waitUntil.
async function networkFirst(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (keepable(response)) event.waitUntil(keep(request, response.clone()));
    return response;
  } catch (e) {
    const kept = await caches.match(request, { ignoreSearch: true, cacheName: CACHE });
    if (kept) return kept;
    if (request.mode === "navigate") {
      const page = await scannedPage(new URL(request.url).pathname);
      if (page) return Response.redirect(page, 302); // (to the kept copy, just above)
    }
    throw e;
  }
}

async function cacheFirst(event) {
  const request = event.request;
  const kept = await caches.match(request, { cacheName: CACHE });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) event.waitUntil(keep(request, response.clone()));
  return response;
}

function keep(request, response) {
  return caches.open(CACHE).then((cache) => cache.put(request, response));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !ours(request.url)) return;
  const path = new URL(request.url).pathname;
  event.respondWith(path.startsWith(ASSETS) ? cacheFirst(event) : networkFirst(event));
});
