/* The pages' only script, for signed-in users (Content-Security-Policy: no inline script).
   A select marked data-autosubmit submits its form on change, so its "Change" button is removed.
   Public pages work without it: the button stays. */
document.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
  button.remove();
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});

/* The offline outreach page's data on this phone (docs/outreach.md). Locking a login's database deletes its key,
   its people list and its sent entries; its unsent entries stay, encrypted under a key only the server gives that
   user, with their count; a database left empty is deleted. (outreach.js has the same lock.) */
function outreachLock(name) {
  return new Promise(function (ok) {
    var r = indexedDB.open(name);
    r.onupgradeneeded = function () { r.transaction.abort(); };
    r.onerror = function () { ok(); };
    r.onsuccess = function () {
      var d = r.result, n = 0;
      if (!d.objectStoreNames.contains("meta")) { d.close(); ok(); return; }
      var t = d.transaction(["entries", "meta"], "readwrite"), meta = t.objectStore("meta");
      meta.clear();
      t.objectStore("entries").openCursor().onsuccess = function (ev) {
        var c = ev.target.result;
        if (!c) { meta.put(n, "waiting"); return; }
        if (c.value.box && (c.value.state === "pending" || c.value.state === "error")) n++; else c.delete();
        c.continue();
      };
      t.oncomplete = function () { d.close(); if (n) ok(); else { var del = indexedDB.deleteDatabase(name); del.onsuccess = del.onerror = del.onblocked = function () { ok(); }; } };
      t.onerror = t.onabort = function () { d.close(); ok(); };
    };
  });
}
function outreachLockAll(keep) {
  if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
  return indexedDB.databases().then(function (list) {
    return Promise.all(list.filter(function (d) { return d.name.indexOf("outreach-") === 0 && d.name !== keep; }).map(function (d) { return outreachLock(d.name); }));
  }).catch(function () {});
}

/* Logging out locks every login's outreach data and deletes the page's cache before the logout is sent
   (at most 3 seconds: the logout never waits longer). "outreach-user" is set when the outreach page opened
   on this phone: without it there is nothing to lock and the logout goes at once. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.querySelector(".logout")) return;
  try { if (!localStorage.getItem("outreach-user")) return; } catch (e) { return; }
  event.preventDefault();
  var done = false;
  function go() { if (!done) { done = true; form.submit(); } }
  setTimeout(go, 3000);
  try {
    localStorage.removeItem("outreach-user");
    var jobs = [outreachLockAll(null)];
    if (window.caches) jobs.push(caches.delete("outreach-shell-v1"));
    if (navigator.serviceWorker) jobs.push(navigator.serviceWorker.getRegistrations().then(function (rs) { return Promise.all(rs.map(function (r) { return r.unregister(); })); }));
    Promise.all(jobs).then(go, go);
  } catch (e) { go(); } /* storage disabled: nothing was kept */
});

/* Another login on this phone: the outreach data of any other login is locked at once, before this user could
   open it (the outreach page does the same when it opens). */
(function () {
  var key = document.body.dataset.outreachUser;
  if (!key) return;
  try { // the outreach page, opened offline, must open this login's database
    var was = localStorage.getItem("outreach-user");
    if (was && was !== key) localStorage.setItem("outreach-user", key);
  } catch (e) { return; }
  outreachLockAll("outreach-" + key);
}());
