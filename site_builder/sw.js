// The site's service worker: written by site-builder with every build (site_builder/webapp.py);
// do not edit output/sw.js. It makes the pages a tourist opened readable with no network.
//   pages and photos: network first (a returning network always shows today's price),
//                     the copy kept here only when the network fails or has not
//                     answered in NETWORK_PATIENCE_MS (a weak link that connects and
//                     then says nothing: the request is then dropped);
//   assets/ (named by a hash of their bytes): cache first, they never change.
// A page asks it (message {keep: [urls]}) to keep the item's pages in every language and
// its booklet chapter, then (a second message) the item's images, the lazy ones below the
// first screen included (the VietQR pay code, photos: templates/assets/lang.js loads
// them), and is told (this worker's version) when they are kept. With
// {scanned: [paths], page}, a scan of the item's printed code made with no network (a
// tourist scanning the box again in the village) is sent to that kept page.
// Any other page asked for with no network (or no answer in time) and not kept here
// (another item, a list, the home-screen app's start page) gets the offline page of its
// language (/<lang>/offline/, render/offline.py; kept when this worker installs), at its
// own address: "no connection", and links to the pages kept here, by their titles.
// The version is a hash of the build's content and of this file: a build with any change
// is a new worker, which drops the copies of the previous one.
"use strict";
const VERSION = "__VERSION__";
const CACHE = "site-builder-" + VERSION;
const ASSETS = new URL("__ASSETS__", self.location).pathname;
const SCANS = CACHE + "-scans"; // a code's address (scanKey) -> the page it was kept for
// Written by the build (webapp.py): {pages: {lang: its offline page}, homes: {lang: its
// home page, the prefix of its pages}, lang: the language of an address with none, keep:
// [the offline pages and what they show: kept at install]}
const OFFLINE = __OFFLINE__;
// How long a page, or what a kept page shows, waits for the network's first answer (its
// headers) before the copy kept here or the offline page is shown. A weak mountain link
// that works answers within a few seconds (a round trip on 2G/EDGE is ~0.5-1 s, a page's
// headers come after two or three); one that connects and then says nothing may never
// answer, and the browser's own limit is minutes, while a tourist holding a gift box
// gives up on a blank screen in about ten seconds. What is not kept here (nothing to show
// instead) waits for the network as long as the browser does.
const NETWORK_PATIENCE_MS = 8000;
const KEPT = "<!--kept-->"; // the offline page's words for "nothing kept", between these two
const KEPT_END = "<!--/kept-->";

self.addEventListener("install", (event) => {
  self.skipWaiting();
  // never refused: with a weak connection what did not come is asked again by every page
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all(OFFLINE.keep.map((u) => keepOne(cache, u)))),
  );
});

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
  const asked = keep.filter((u) => typeof u === "string" && u && ours(u));
  const urls = [...new Set([...asked, ...OFFLINE.keep])]; // (kept already: nothing fetched)
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(urls.map((u) => keepOne(cache, u))))
      .then(() => rememberScans(data.scanned, data.page))
      .then(() => event.ports[0] && event.ports[0].postMessage(VERSION)),
  );
});

// The response goes to the page at once (it renders while it downloads); its copy is
// stored alongside, under event.waitUntil. When the kept copy (or the offline page) is
// shown instead, the network's request is dropped: its answer would not be shown, and a
// connection left hanging would hold one of the few the browser opens to the site.
async function networkFirst(event) {
  const request = event.request;
  const stop = new AbortController();
  const network = fetch(request, { signal: stop.signal }).then((response) => {
    if (keepable(response)) event.waitUntil(keep(request, response.clone()));
    return response;
  });
  try {
    return await patiently(network, NETWORK_PATIENCE_MS);
  } catch (e) {
    const shown = await instead(request);
    if (!shown) return network; // (no network: fails at once; a slow one: waited for)
    stop.abort();
    return shown;
  }
}

// `promise`, or a failure when it has not settled in `ms`
function patiently(promise, ms) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error("no answer in " + ms + " ms")), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// What is shown for `request` when the network does not answer: its kept copy; for a page
// not kept, the kept page its printed code was scanned for, else the offline page. null
// when there is none.
async function instead(request) {
  const kept = await caches.match(request, { ignoreSearch: true, cacheName: CACHE });
  if (kept) return kept;
  if (request.mode !== "navigate") return null;
  const page = await scannedPage(new URL(request.url).pathname);
  if (page) return Response.redirect(page, 302); // (to the kept copy, just above)
  return offlinePage(request.url);
}

// The language of an address: its /<lang>/, else the phone's first language the site has.
function languageOf(path) {
  for (const [lang, home] of Object.entries(OFFLINE.homes)) if (path.startsWith(home)) return lang;
  for (const wanted of self.navigator.languages || []) {
    const lang = wanted.toLowerCase().split("-")[0];
    if (lang in OFFLINE.pages) return lang;
  }
  return OFFLINE.lang;
}

// The offline page of `url`'s language, with the list of the pages kept here in place of
// its words for "nothing kept"; null when it is not kept itself (the browser's own page).
async function offlinePage(url) {
  const lang = languageOf(new URL(url).pathname);
  const cache = await caches.open(CACHE);
  const kept = await cache.match(OFFLINE.pages[lang]);
  if (!kept) return null;
  const asked = new URL(url);
  const again = `href="${escaped(asked.pathname + asked.search)}"`; // "Try again": that page
  let text = (await kept.text()).split(`href="${OFFLINE.pages[lang]}"`).join(again);
  const pages = await keptPages(cache, lang);
  const start = text.indexOf(KEPT);
  const end = text.indexOf(KEPT_END);
  if (pages.length && start >= 0 && end > start) {
    const items = pages.map(
      (p) => `<li><a href="${escaped(p.path)}" lang="${p.lang}">${p.title}</a></li>`,
    );
    const list = `<ul class="kept-pages">\n${items.join("\n")}\n</ul>`;
    text = text.slice(0, start) + list + text.slice(end + KEPT_END.length);
  }
  return new Response(text, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function escaped(address) {
  return address.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

// The pages kept here ({path, lang, title}): those of `lang` first, by title. One story
// in one language is listed once (an item's page and its booklet chapter have one title):
// by its shortest address.
async function keptPages(cache, lang) {
  const offline = new Set(Object.values(OFFLINE.pages));
  const found = new Map();
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const pageLang = Object.keys(OFFLINE.homes).find((l) => path.startsWith(OFFLINE.homes[l]));
    if (!pageLang || offline.has(path) || path.startsWith(ASSETS)) continue;
    const response = await cache.match(request);
    if (!response || !/^text\/html/i.test(response.headers.get("Content-Type") || "")) continue;
    const title = shortTitle(await titleOf(response));
    if (!title) continue;
    const key = pageLang + "\n" + title;
    const other = found.get(key);
    if (!other || path.length < other.path.length) found.set(key, { path, lang: pageLang, title });
  }
  const order = (p) => (p.lang === lang ? 0 : 1);
  return [...found.values()].sort(
    (a, b) =>
      order(a) - order(b) || a.lang.localeCompare(b.lang) || a.title.localeCompare(b.title, a.lang),
  );
}

// A page's <title> as written (its characters escaped), read from its first bytes only.
async function titleOf(response) {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let head = "";
  let found = null;
  while (!found && head.length < 32768) {
    const { done, value } = await reader.read();
    if (done) break;
    head += decoder.decode(value, { stream: true });
    found = /<title>([^<]*)<\/title>/i.exec(head);
  }
  reader.cancel().catch(() => {});
  return found ? found[1].trim() : "";
}

// "Doll in Hmong costume · Xín Mần Dolls" -> "Doll in Hmong costume" (the site's title,
// last, is every page's; the home page's title is the site's alone)
function shortTitle(title) {
  const cut = title.lastIndexOf(" · ");
  return cut > 0 ? title.slice(0, cut) : title;
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
