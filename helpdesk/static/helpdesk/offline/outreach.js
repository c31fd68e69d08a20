/* Offline outreach entry (docs/outreach.md). Plain JavaScript, no build step.
   Entries are kept in this user's IndexedDB database until the server has answered for each of them;
   each carries a UUID made here, so sending twice never records twice. Each entry is stored encrypted
   (AES-GCM) with the user's key, which only the server gives to that signed-in user: when another login
   opens a page, or this one logs out, the key and everything readable go and unsent entries stay locked. */
(function () {
  "use strict";
  var script = document.currentScript;
  var urls = script.dataset;
  var S = JSON.parse(document.getElementById("outreach-strings").textContent);
  var PREFIX = "outreach-";
  var SHELL = "outreach-shell-v1";
  var KEEP_DAYS = 7;
  var BATCH = 100; // entries per request (the server takes at most 200)
  var db = null, boot = null, csrf = null, key = null, rawKey = null, locked = 0, sending = false, retryIn = 3000, retryTimer = null;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function fmt(text, values) { return text.replace(/%\((\w+)\)s/g, function (m, k) { return values[k]; }); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
  function ascii(v) { return String(v || "").trim().replace(/[\u1040-\u1049]/g, function (d) { return String(d.charCodeAt(0) - 0x1040); }); }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function today() { var d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 10); }
  function notice(text) { var n = $("#notice"); n.textContent = text || ""; n.hidden = !text; }

  /* --- IndexedDB: one database per login, named by the server's opaque key --- */
  function req(r) { return new Promise(function (ok, fail) { r.onsuccess = function () { ok(r.result); }; r.onerror = function () { fail(r.error); }; }); }
  function openDb(key) {
    var r = indexedDB.open(PREFIX + key, 1);
    r.onupgradeneeded = function () { r.result.createObjectStore("entries", { keyPath: "id" }); r.result.createObjectStore("meta"); };
    return req(r);
  }
  function store(name, mode) { return db.transaction(name, mode || "readonly").objectStore(name); }
  /* Stored: id, created, state, sent in clear; kind, payload and errors encrypted in "box". */
  function unseal(r) {
    if (r.payload) { r.clear = true; return Promise.resolve(r); } // made before entries were encrypted: sealed by the next save
    if (!key) return Promise.resolve(null);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: r.iv }, key, r.box).then(function (plain) {
      var d = JSON.parse(new TextDecoder().decode(plain));
      return { id: r.id, created: r.created, state: r.state, sent: r.sent, kind: d.kind, payload: d.payload, errors: d.errors };
    }).catch(function () { return null; }); // locked under another key: left as it is
  }
  function entries() {
    return req(store("entries").getAll()).then(function (all) { return Promise.all(all.map(unseal)); }).then(function (all) {
      return all.filter(Boolean).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function save(entry) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify({ kind: entry.kind, payload: entry.payload, errors: entry.errors || null }));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (box) {
      return req(store("entries", "readwrite").put({ id: entry.id, created: entry.created, state: entry.state, sent: entry.sent, iv: iv, box: box }));
    });
  }
  function forget(id) { return req(store("entries", "readwrite").delete(id)); }
  function databases() { return indexedDB.databases ? indexedDB.databases() : Promise.resolve([]); }
  /* Lock a login's database (app.js does the same): its key, lists and sent entries go; unsent encrypted
     entries stay with their count; nothing left means the database goes. Resolves to the count kept. */
  function lock(name) {
    return new Promise(function (ok) {
      var r = indexedDB.open(name);
      r.onupgradeneeded = function () { r.transaction.abort(); };
      r.onerror = function () { ok(0); };
      r.onsuccess = function () {
        var d = r.result, n = 0;
        if (!d.objectStoreNames.contains("meta")) { d.close(); ok(0); return; }
        var t = d.transaction(["entries", "meta"], "readwrite"), es = t.objectStore("entries"), meta = t.objectStore("meta");
        meta.clear();
        es.openCursor().onsuccess = function (ev) {
          var c = ev.target.result;
          if (!c) { meta.put(n, "waiting"); return; }
          if (c.value.box && (c.value.state === "pending" || c.value.state === "error")) n++; else c.delete();
          c.continue();
        };
        t.oncomplete = function () { d.close(); if (n) ok(n); else req(indexedDB.deleteDatabase(name)).then(function () { ok(0); }, function () { ok(0); }); };
        t.onerror = t.onabort = function () { d.close(); ok(0); };
      };
    });
  }
  function lockOthers(keep) {
    return databases().then(function (list) {
      return Promise.all(list.filter(function (d) { return d.name.indexOf(PREFIX) === 0 && d.name !== keep; }).map(function (d) { return lock(d.name); }));
    }).then(function (counts) { return counts.reduce(function (a, b) { return a + b; }, 0); });
  }

  /* --- The server: bootstrap (fresh CSRF token and lists), then sync --- */
  function getJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (response.redirected || response.status === 401 || (response.ok && type.indexOf("json") < 0)) throw new Error("login");
    return response.json();
  }
  function fetchBoot() {
    return fetch(urls.bootstrap, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(getJson).then(function (data) {
        csrf = data.csrf; rawKey = data.key; delete data.csrf; delete data.key; data.at = Date.now(); return data;
      });
  }
  function sendBatch(batch) {
    return fetch(urls.sync, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ entries: batch }),
    });
  }

  function sync() {
    if (sending || !db) return Promise.resolve();
    sending = true; $("#send").disabled = true;
    return entries().then(function (all) {
      var unsent = all.filter(function (e) { return e.state === "pending"; }).concat(all.filter(function (e) { return e.state === "error"; }));
      var todo = unsent.slice(0, BATCH), more = unsent.length > BATCH, progressed = false; // oldest first: activities before attendees
      if (!todo.length) return null;
      $("#unsent").textContent = S.sending;
      return fetchBoot().then(function (data) {
        boot = data; rawKey = null; req(store("meta", "readwrite").put(data, "bootstrap")); fill();
        var batch = todo.map(function (e) { return e.payload; });
        return sendBatch(batch).then(function (r) {
          return r.status === 403 ? fetchBoot().then(function () { return sendBatch(batch); }) : r; // a token from before a new login
        });
      }).then(getJson).then(function (answer) {
        var byId = {};
        answer.results.forEach(function (r) { byId[r.id] = r; });
        return Promise.all(todo.map(function (e) {
          var r = byId[e.id];
          if (!r) return null;
          e.state = r.status === "applied" ? "sent" : r.status; e.errors = r.errors || null; e.sent = Date.now();
          if (e.state !== "error") progressed = true;
          return save(e);
        }));
      }).then(function () { notice(""); retryIn = 3000; if (more && progressed) setTimeout(sync, 0); });
    }).catch(function (error) {
      if (error && error.message === "login") { notice(S.login); return; }
      // "online" often comes before the network really works: try again, waiting longer each time (at most 5 minutes).
      clearTimeout(retryTimer);
      if (navigator.onLine) retryTimer = setTimeout(sync, retryIn);
      retryIn = Math.min(retryIn * 2, 300000);
    }).then(function () { sending = false; $("#send").disabled = false; return render(); });
  }

  /* --- The forms --- */
  function fillSelect(select, choices, empty) {
    var value = select.value;
    select.textContent = "";
    if (empty) select.appendChild(el("option", "—")).value = "";
    choices.forEach(function (c) { var o = el("option", c[1]); o.value = c[0]; select.appendChild(o); });
    if (value) select.value = value;
  }
  function centre() { return Number($("#centre").value); }
  function people(query) {
    query = ascii(query).toLowerCase();
    return (boot ? boot.people : []).filter(function (p) {
      if (p.centre !== centre()) return false;
      if (!query) return true;
      return (p.name || "").toLowerCase().indexOf(query) >= 0 || String(p.birth_year || "") === query || (p.phone_end && query.slice(-3) === p.phone_end);
    }).slice(0, 50);
  }
  function fillPeople(form) {
    var list = $("[data-person-list]", form);
    fillSelect(list, people($("[data-person-search]", form).value).map(function (p) {
      return [p.id, p.name + " (" + [p.birth_year, p.phone_end && "…" + p.phone_end].filter(Boolean).join(", ") + ")"];
    })); // the chosen person stays chosen when the list is refreshed by a send
  }
  function fill() {
    if (!boot) return;
    fillSelect($("#centre"), boot.centres.map(function (c) { return [c.id, c.name]; }));
    $("#centre-row").hidden = boot.centres.length < 2;
    $$("[data-choices]").forEach(function (s) { fillSelect(s, boot.choices[s.dataset.choices], "empty" in s.dataset); });
    $$("[data-topics]").forEach(function (box) {
      if (box.children.length) return;
      boot.choices.topics.forEach(function (t) {
        var label = el("label"), input = el("input");
        input.type = "checkbox"; input.name = "topics"; input.value = t[0];
        label.appendChild(input); label.appendChild(document.createTextNode(" " + t[1])); box.appendChild(label);
      });
    });
    $$("#attendee-form, #contact-form").forEach(fillPeople);
    $("#list-date").textContent = fmt(S.list_date, { date: new Date(boot.at).toLocaleString() });
  }
  function who(form) { return $("input[name=who]:checked", form).value; }
  function newPerson(form) {
    var f = form.elements;
    return {
      name: f.name.value.trim(), gender: f.gender.value, birth_year: ascii(f.birth_year.value) ? Number(ascii(f.birth_year.value)) : null,
      phone: f.phone.value.trim(), nrc: f.nrc.value.trim(), passport_number: f.passport_number.value.trim(),
      consent_record: f.consent_record.checked, consent_share: f.consent_share.checked,
    };
  }
  function withPerson(form, payload) {
    var choice = who(form);
    if (choice === "list") {
      if (!form.elements.person.value) throw new Error(S.choose_person);
      payload.person = Number(form.elements.person.value);
    } else if (choice === "new") {
      payload.new_person = newPerson(form);
      if (!payload.new_person.consent_record) throw new Error(S.consent_needed);
      if (!payload.new_person.gender) throw new Error(S.required);
    } else {
      payload.gender = form.elements.anon_gender.value;
      if (!payload.gender) throw new Error(S.required);
    }
    return payload;
  }
  var build = {
    activity: function (form) {
      var f = form.elements, p = { activity_kind: f.activity_kind.value, format: f.format.value, title: f.title.value.trim(),
        date: f.date.value, location: f.location.value.trim(), notes: f.notes.value.trim() };
      if (!p.title || !p.activity_kind || !p.format || !p.date) throw new Error(S.required);
      ["women", "men", "other", "undisclosed"].forEach(function (k) {
        var v = ascii(f[k].value) || "0";
        if (!/^\d+$/.test(v)) throw new Error(S.required);
        p[k] = Number(v);
      });
      return p;
    },
    attendee: function (form) {
      if (!form.elements.activity.value) throw new Error(S.required);
      return withPerson(form, { activity: form.elements.activity.value });
    },
    contact: function (form) {
      var p = { date: form.elements.date.value, notes: form.elements.notes.value.trim(),
        topics: $$("input[name=topics]:checked", form).map(function (i) { return i.value; }) };
      return withPerson(form, p);
    },
  };
  function onSubmit(kind) {
    return function (event) {
      event.preventDefault();
      var form = event.target, payload;
      if (!key) { notice(S.no_bootstrap); return; }
      try { payload = build[kind](form); } catch (error) { notice(error.message); return; }
      payload.id = uuid(); payload.kind = kind; payload.centre = centre();
      var entry = { id: payload.id, kind: kind, payload: payload, created: Date.now(), state: "pending" };
      save(entry).then(function () {
        notice(S.saved);
        if (kind !== "attendee") { form.reset(); $$("[data-today]", form).forEach(function (i) { i.value = today(); }); }
        else { form.elements.person.value = ""; $("[data-who=new]", form).querySelectorAll("input, select").forEach(function (i) { if (i.type === "checkbox") i.checked = false; else i.value = ""; }); }
        showWho(form);
        return render();
      }).then(function () { if (navigator.onLine) sync(); });
    };
  }
  function showWho(form) { if (!$("input[name=who]", form)) return; var c = who(form); $$("[data-who]", form).forEach(function (d) { d.hidden = d.dataset.who !== c; }); }

  /* --- What is on the phone --- */
  function describe(e) {
    var p = e.payload;
    if (e.kind === "activity") return S.activity + ": " + p.title + " " + p.date + " (" + (p.women + p.men + p.other + p.undisclosed) + ")";
    var name = p.new_person ? p.new_person.name : p.person ? (boot && boot.people.filter(function (x) { return x.id === p.person; }).map(function (x) { return x.name; })[0]) || "#" + p.person : S.anonymous;
    return (e.kind === "attendee" ? S.attendee : S.contact) + ": " + name;
  }
  function fieldLabel(kind, key) {
    // The label the form shows for the field ("new_person.phone" is the Phone box), else the key itself.
    var input = $("#" + kind + "-form [name=" + key.replace(/^new_person\./, "").replace(/[^\w]/g, "") + "]");
    var label = input && input.closest("label");
    var text = label ? Array.prototype.filter.call(label.childNodes, function (n) { return n.nodeType === 3; })
      .map(function (n) { return n.textContent; }).join(" ").trim() : input && input.getAttribute("aria-label");
    return text || key;
  }
  function render() {
    if (!db) return Promise.resolve();
    return entries().then(function (all) {
      var list = $("#entries"), unsent = all.filter(function (e) { return e.state === "pending" || e.state === "error"; }).length;
      $("#unsent").textContent = fmt(S.unsent, { n: unsent });
      $("#unsent").dataset.count = unsent;
      list.textContent = "";
      all.slice().reverse().forEach(function (e) {
        var li = el("li", null, "entry " + e.state);
        li.dataset.id = e.id; li.dataset.state = e.state;
        li.appendChild(el("span", describe(e)));
        li.appendChild(el("small", { pending: S.pending, error: S.error, sent: S.sent, review: S.review }[e.state], "state"));
        if (e.errors) {
          var ul = el("ul", null, "errorlist");
          Object.keys(e.errors).forEach(function (k) {
            var li2 = el("li", (k === "__all__" ? "" : fieldLabel(e.kind, k) + ": ") + e.errors[k].join(" "));
            li2.dataset.field = k; ul.appendChild(li2);
          });
          li.appendChild(ul);
        }
        if (e.state === "pending" || e.state === "error") {
          var b = el("button", S.delete, "secondary"); b.type = "button";
          b.addEventListener("click", function () { if (confirm(S.delete_confirm)) forget(e.id).then(render); });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
      var select = $("#activities"), value = select.value;
      fillSelect(select, all.filter(function (e) { return e.kind === "activity" && e.state !== "error"; }).reverse()
        .map(function (e) { return [e.id, e.payload.title + " " + e.payload.date]; }), true);
      if (value) select.value = value;
    });
  }
  function purgeOld() {
    var cutoff = Date.now() - KEEP_DAYS * 864e5;
    return entries().then(function (all) {
      return Promise.all(all.filter(function (e) { return (e.state === "sent" || e.state === "review") && e.sent < cutoff; })
        .map(function (e) { return forget(e.id); }));
    });
  }

  /* --- Logging out clears everything readable this page keeps; unsent entries stay locked --- */
  function clearAll() {
    localStorage.removeItem(PREFIX + "user");
    if (db) db.close();
    db = null; key = null;
    var jobs = [lockOthers(null)];
    if (window.caches) jobs.push(caches.keys().then(function (keys) { return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0; }).map(function (k) { return caches.delete(k); })); }));
    if (navigator.serviceWorker) jobs.push(navigator.serviceWorker.getRegistrations().then(function (rs) { return Promise.all(rs.map(function (r) { return r.unregister(); })); }));
    return Promise.all(jobs).catch(function () {});
  }
  function onLogout(event) {
    event.preventDefault();
    var form = event.target, n = Number($("#unsent").dataset.count || 0);
    if (n && !confirm(fmt(S.logout_keep, { n: n }))) return;
    if (csrf) form.elements.csrfmiddlewaretoken.value = csrf;
    clearAll().then(function () { form.submit(); });
  }

  function network() {
    $("#network").textContent = navigator.onLine ? S.online : S.offline;
    document.body.classList.toggle("offline", !navigator.onLine);
  }
  function cacheShell() {
    if (!window.caches) return;
    var assets = [location.pathname, script.src].concat($$("link[rel=stylesheet], link[rel=manifest], link[rel=icon]").map(function (l) { return l.href; }));
    caches.open(SHELL).then(function (c) { return c.addAll(assets); }).catch(function () {});
  }
  function start() {
    network();
    $$("[data-today]").forEach(function (i) { i.value = today(); });
    $("#activity-form").addEventListener("submit", onSubmit("activity"));
    $("#attendee-form").addEventListener("submit", onSubmit("attendee"));
    $("#contact-form").addEventListener("submit", onSubmit("contact"));
    $$("#attendee-form, #contact-form").forEach(function (form) {
      $$("input[name=who]", form).forEach(function (r) { r.addEventListener("change", function () { showWho(form); }); });
      $("[data-person-search]", form).addEventListener("input", function () { fillPeople(form); });
    });
    $("#centre").addEventListener("change", function () { $$("#attendee-form, #contact-form").forEach(fillPeople); });
    $("#send").addEventListener("click", sync);
    $("#logout").addEventListener("submit", onLogout);
    window.addEventListener("online", function () { network(); sync(); });
    window.addEventListener("offline", network);
    setInterval(function () { if (navigator.onLine) sync(); }, 60000); // a send whose "online" event was missed
    if (navigator.serviceWorker) navigator.serviceWorker.register(urls.sw, { scope: "./" }).catch(function () {});
    // Ask the browser not to evict this site's storage when the phone runs short of space (entries may wait a week).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});

    var online = navigator.onLine ? fetchBoot().then(function (data) {
      // This login's key: other logins' databases on this phone are deleted before anything is shown.
      localStorage.setItem(PREFIX + "user", data.user);
      return lockOthers(PREFIX + data.user).then(function (n) {
        var w = $("#waiting"); w.textContent = n ? fmt(S.waiting, { n: n }) : ""; w.hidden = !n;
        return data;
      });
    }).catch(function (error) { if (error && error.message === "login") { location.href = urls.login; } return null; }) : Promise.resolve(null);
    online.then(function (data) {
      var user = data ? data.user : localStorage.getItem(PREFIX + "user");
      if (!user) { notice(S.no_bootstrap); return null; }
      return openDb(user).then(function (opened) {
        db = opened;
        if (data) {
          cacheShell();
          // The key from the server is kept as a CryptoKey the page can use but not read out, while this user is signed in.
          var bytes = Uint8Array.from(atob(rawKey), function (c) { return c.charCodeAt(0); });
          rawKey = null;
          return crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]).then(function (k) {
            key = k;
            var meta = store("meta", "readwrite");
            meta.put(k, "key"); meta.delete("waiting");
            return req(meta.put(data, "bootstrap"));
          }).then(entries).then(function (all) {
            return Promise.all(all.filter(function (e) { return e.clear; }).map(save)); // seals any entry kept in clear
          }).then(function () { return data; });
        }
        return req(store("meta").get("key")).then(function (k) {
          key = k || null;
          if (key) return req(store("meta").get("bootstrap"));
          return req(store("meta").get("waiting")).then(function (n) { locked = n || 0; return null; }); // locked by a logout or another login
        });
      });
    }).then(function (data) {
      if (!db) return null;
      boot = data || null;
      if (!boot) notice(locked ? fmt(S.locked, { n: locked }) : S.no_bootstrap);
      fill();
      return purgeOld().then(render).then(function () { if (navigator.onLine) return sync(); });
    }).then(function () { document.body.dataset.ready = "1"; });
  }
  start();
}());
