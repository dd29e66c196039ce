// Remembers the language a visitor chose with the switcher, so the next QR code
// they scan opens in that language. Reading never needs this script.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]");
  if (a) { try { localStorage.setItem("lang", a.getAttribute("data-lang")); } catch (err) {} }
});
