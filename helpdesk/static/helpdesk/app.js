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

/* Logging out also clears the offline outreach page's data on this phone (docs/outreach.md); the logout
   answer's Clear-Site-Data header does the same where the browser honours it. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.querySelector(".logout") || form.dataset.cleared || !window.indexedDB || !indexedDB.databases) return;
  event.preventDefault();
  var jobs = [indexedDB.databases().then(function (list) {
    list.forEach(function (d) { if (d.name.indexOf("outreach-") === 0) indexedDB.deleteDatabase(d.name); });
  })];
  if (window.caches) jobs.push(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("outreach-") === 0; }).map(function (k) { return caches.delete(k); }));
  }));
  try { localStorage.removeItem("outreach-user"); } catch (e) { /* storage disabled */ }
  Promise.all(jobs).catch(function () {}).then(function () { form.dataset.cleared = "1"; form.submit(); });
});

/* Another login on this phone: the offline outreach data of any other login is deleted at once, before
   this user could open it (the outreach page does the same when it opens). */
(function () {
  var key = document.body.dataset.outreachUser;
  if (!key || !window.indexedDB || !indexedDB.databases) return;
  indexedDB.databases().then(function (list) {
    list.forEach(function (d) {
      if (d.name.indexOf("outreach-") === 0 && d.name !== "outreach-" + key) indexedDB.deleteDatabase(d.name);
    });
  }).catch(function () {});
}());
