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

/* Logging out also clears the offline outreach page's data on this phone (docs/outreach.md): the deletions are
   started here, without holding up the logout, and the logout answer's Clear-Site-Data header finishes the job. */
document.addEventListener("submit", function (event) {
  if (!event.target.querySelector(".logout")) return;
  try {
    var key = localStorage.getItem("outreach-user");
    if (key && window.indexedDB) indexedDB.deleteDatabase("outreach-" + key);
    localStorage.removeItem("outreach-user");
    if (window.caches) caches.delete("outreach-shell-v1");
  } catch (e) { /* storage disabled: nothing was kept */ }
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
