// The code page's offline copy (served as /m/sw.js, scope /m/): the page and its files are
// fetched from the ledger when it answers, and from this cache when there is no signal, so a
// member can open the code page in a street office with none. Nothing else is cached: not
// the enrolment link (its page holds the secret once), not the balance (/m/status).
"use strict";

var CACHE = "timebank-phone-v1";
var FILES = [
  "/m/",
  "/static/web.css",
  "/static/m/phone.css",
  "/static/m/money.css",
  "/static/m/code.js",
  "/static/vendor/qrcode-generator/qrcode.js"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(FILES);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin ||
      FILES.indexOf(url.pathname) < 0) {
    return;  // the browser fetches it as if there were no worker
  }
  event.respondWith(fetch(event.request).then(function (answer) {
    if (answer.ok && !answer.redirected) {
      var copy = answer.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return answer;
  }).catch(function () {
    return caches.match(url.pathname).then(function (kept) {
      return kept || Response.error();
    });
  }));
});
