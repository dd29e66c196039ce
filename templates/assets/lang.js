// Remembers the language a visitor chose with the switcher, so the next QR code
// they scan opens in that language. Reading never needs this script.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]");
  if (a) { try { localStorage.setItem("lang", a.getAttribute("data-lang")); } catch (err) {} }
});

// Offline after one visit: the service worker (/sw.js, written by the build) keeps this
// page, the item's page in the other languages and its booklet chapter (the list in
// data-offline). Only where a worker may run (https, or localhost); opened from a file
// or in an old browser, nothing happens and nothing is missed.
(function () {
  var sw = navigator.serviceWorker, me = document.currentScript;
  if (!sw || !me || !window.isSecureContext || !/^https?:$/.test(location.protocol)) return;
  addEventListener("load", function () {
    sw.register(new URL("../sw.js", me.src).href).then(function () { return sw.ready; }).then(function (reg) {
      var el = document.querySelector("[data-offline]"), keep = [location.pathname];
      if (el) keep = keep.concat(el.getAttribute("data-offline").split(" "));
      [].forEach.call(document.querySelectorAll("link[rel=stylesheet],link[rel=icon],link[rel=manifest],script[src]"), function (n) { keep.push(n.href || n.src); });
      [].forEach.call(document.images, function (im) { if (im.currentSrc) keep.push(im.currentSrc); });
      var done = new MessageChannel();
      done.port1.onmessage = function () { document.documentElement.setAttribute("data-offline-ready", ""); };
      reg.active.postMessage({ keep: keep }, [done.port2]);
    }).catch(function () {});
  });
})();
