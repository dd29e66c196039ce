// Remembers the language a visitor chose with the switcher, so the next QR code
// they scan opens in that language: for the landing page (localStorage) and for a web
// server that chooses at the edge (the nf_lang cookie: site_builder/hosting.py).
// Reading never needs this script.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]"), lang;
  if (!a) return;
  lang = a.getAttribute("data-lang");
  try { localStorage.setItem("lang", lang); } catch (err) {}
  document.cookie = "nf_lang=" + encodeURIComponent(lang) + "; path=/; max-age=31536000; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
});

// Offline after one visit: the service worker (/sw.js, written by the build) keeps this
// page, the item's page in the other languages and its booklet chapter (the list in
// data-offline), and sends a later scan of the item's code (data-scanned-as) to this
// page. Then what the item shows further down, loaded lazily (the code to pay by bank
// transfer, the photos below the first screen), is fetched and kept too: a page kept
// without them shows broken images with no network. (The item's images only: a list's
// cards or a print page's codes stay lazy.) Only where a worker may run (https, or
// localhost); opened from a file or in an old browser, nothing happens and nothing is
// missed. When all is kept, the worker's version is set on <html data-offline-ready> (a
// new build's worker asks again).
(function () {
  var sw = navigator.serviceWorker, me = document.currentScript;
  if (!sw || !me || !window.isSecureContext || !/^https?:$/.test(location.protocol)) return;
  function ask(worker, message) { // -> the worker's answer (its version) once it has kept them
    return new Promise(function (answered) {
      var done = new MessageChannel();
      done.port1.onmessage = function (e) { answered(e.data); };
      worker.postMessage(message, [done.port2]);
    });
  }
  function shown(el) { // the item's images, loaded now, as this phone shows them (its size)
    var images = el ? [].slice.call(el.querySelectorAll("img")) : [];
    return Promise.all(images.map(function (im) {
      im.loading = "eager";
      return im.complete ? null : new Promise(function (settled) {
        im.addEventListener("load", settled);
        im.addEventListener("error", settled);
      });
    })).then(function () {
      return images.map(function (im) { return im.currentSrc; }).filter(Boolean);
    });
  }
  function keep(worker) {
    var el = document.querySelector("[data-offline]"), urls = [location.pathname], scanned = [];
    if (el) urls = urls.concat(el.getAttribute("data-offline").split(" "));
    if (el && el.getAttribute("data-scanned-as")) scanned = el.getAttribute("data-scanned-as").split(" ");
    [].forEach.call(document.querySelectorAll("link[rel=stylesheet],link[rel=icon],link[rel=manifest],script[src]"), function (n) { urls.push(n.href || n.src); });
    [].forEach.call(document.images, function (im) { if (im.currentSrc) urls.push(im.currentSrc); });
    ask(worker, { keep: urls, scanned: scanned, page: location.pathname })  // the pages first
      .then(function () { return shown(el); })
      .then(function (images) { return ask(worker, { keep: images }); })
      .then(function (version) { document.documentElement.setAttribute("data-offline-ready", version); });
  }
  addEventListener("load", function () {
    sw.register(new URL("../sw.js", me.src).href).then(function () { return sw.ready; }).then(function (reg) {
      keep(reg.active);
      sw.addEventListener("controllerchange", function () { keep(sw.controller); });
    }).catch(function () {});
  });
})();
