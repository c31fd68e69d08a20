/* Service worker of the offline outreach page (served at /outreach/sw.js so its scope is /outreach/).
   The page puts itself and its files into the "outreach-shell" cache when it opens online; this worker
   answers from that cache when there is no network. Entries never pass through here: they live in IndexedDB. */
"use strict";
var SHELL = "outreach-shell-v1";
var WAIT_MS = 6000; // a weak network: after this the cached page is shown

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("outreach-shell-") === 0 && k !== SHELL; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function cached(request) {
  return caches.open(SHELL).then(function (cache) { return cache.match(request, { ignoreSearch: request.mode === "navigate" }); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network first (a new version, or the login page when the session has ended), the cached page without network.
    event.respondWith(new Promise(function (resolve) {
      var done = false;
      function fallback() {
        if (done) return;
        cached(request).then(function (hit) { if (hit && !done) { done = true; resolve(hit); } });
      }
      var timer = setTimeout(fallback, WAIT_MS);
      fetch(request).then(function (response) {
        clearTimeout(timer);
        if (!done) { done = true; resolve(response); }
      }).catch(function () {
        clearTimeout(timer);
        cached(request).then(function (hit) { if (!done) { done = true; resolve(hit || Response.error()); } });
      });
    }));
    return;
  }
  event.respondWith(cached(request).then(function (hit) { return hit || fetch(request); }));
});
