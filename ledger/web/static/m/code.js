// The member's code page (ledger/web/templates/m_code.html): computes the live member code
// `tb1:<member>:<otp>` on the phone, as ledger/totp.py does (RFC 6238, HMAC-SHA256, 8 digits,
// 30 s), and draws it as a QR code; works with no signal. The balance is polled while online
// and kept in localStorage for when there is none.
"use strict";

(function () {
  var page = document.getElementById("code-page");
  if (!page) return;
  var SECRET_KEY = "timebank.device";  // {device, member, secret}
  var STATUS_KEY = "timebank.status";  // {name, balance, at}: the last sync
  var prefix = page.dataset.prefix;
  var digits = parseInt(page.dataset.digits, 10);
  var step = parseInt(page.dataset.step, 10);
  var qr = document.getElementById("qr");
  var noCode = document.getElementById("no-code");
  var shownCounter = -1;
  var key = null;  // the imported HMAC key

  function read(name) {
    try { return JSON.parse(localStorage.getItem(name) || "null"); } catch (e) { return null; }
  }

  // The enrolment page hands over the new device's secret once; keep it, then drop the
  // one-time link from the address bar and history.
  if (page.dataset.secret) {
    localStorage.setItem(SECRET_KEY, JSON.stringify({
      device: page.dataset.device, member: page.dataset.member, secret: page.dataset.secret
    }));
    page.removeAttribute("data-secret");
    history.replaceState(null, "", "/m/");
  } else if (page.dataset.forget) {
    localStorage.removeItem(SECRET_KEY);
    localStorage.removeItem(STATUS_KEY);
  }
  var device = read(SECRET_KEY);

  function base32(text) {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", bits = 0, value = 0, out = [];
    text = text.replace(/=+$/, "").toUpperCase();
    for (var i = 0; i < text.length; i++) {
      value = (value << 5) | alphabet.indexOf(text[i]);
      bits += 5;
      if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }

  function otp(counter) {
    var message = new Uint8Array(8), high = Math.floor(counter / 4294967296), low = counter >>> 0;
    new DataView(message.buffer).setUint32(0, high);
    new DataView(message.buffer).setUint32(4, low);
    return crypto.subtle.sign("HMAC", key, message).then(function (signature) {
      var h = new Uint8Array(signature), at = h[h.length - 1] & 15;
      var number = ((h[at] & 127) << 24) | (h[at + 1] << 16) | (h[at + 2] << 8) | h[at + 3];
      var text = String(number % Math.pow(10, digits));
      while (text.length < digits) text = "0" + text;
      return text;
    });
  }

  function draw() {
    var counter = Math.floor(Date.now() / 1000 / step);
    if (counter === shownCounter) return;
    otp(counter).then(function (code) {
      var text = prefix + ":" + device.member + ":" + code;
      var q = qrcode(0, "M");
      q.addData(text);
      q.make();
      qr.src = q.createDataURL(8, 4);  // 4 modules of quiet zone, as scanners want
      qr.dataset.code = text;
      qr.hidden = false;
      shownCounter = counter;
    });
  }

  // The moment in the office's time zone (data-tz, the ledger's office_tz), told as the
  // history tells its moments ("12月6日 14:25"), whatever zone the phone's clock is set to.
  function when(at) {
    var d = new Date(at), parts = {};
    try {
      new Intl.DateTimeFormat("en-US", {
        timeZone: page.dataset.tz, month: "numeric", day: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) {  // a browser that does not know the zone: its offset when the page was made
      var o = new Date(d.getTime() + parseInt(page.dataset.tzOffset, 10) * 60000);
      parts = { month: String(o.getUTCMonth() + 1), day: String(o.getUTCDate()),
                hour: ("0" + o.getUTCHours()).slice(-2), minute: ("0" + o.getUTCMinutes()).slice(-2) };
    }
    return page.dataset.wordsWhen.replace("{month}", parts.month).replace("{day}", parts.day)
      .replace("{time}", parts.hour + ":" + parts.minute);
  }

  function show(status, offline) {
    if (!status) return;
    document.getElementById("name").textContent = status.name;
    document.getElementById("balance").textContent = status.balance;
    var words = offline ? page.dataset.wordsOffline : page.dataset.wordsSynced;
    document.getElementById("synced").textContent = words.replace("{time}", when(status.at));
  }

  function stopped() {
    localStorage.removeItem(SECRET_KEY);
    localStorage.removeItem(STATUS_KEY);
    device = null;
    qr.hidden = true;
    qr.removeAttribute("src");
    noCode.textContent = page.dataset.wordsRevoked;
    noCode.hidden = false;
  }

  function sync() {
    fetch("/m/status", { credentials: "same-origin", cache: "no-store" }).then(function (answer) {
      if (answer.status === 401) { stopped(); return null; }
      return answer.ok ? answer.json() : null;
    }).then(function (status) {
      if (status && device) {
        localStorage.setItem(STATUS_KEY, JSON.stringify(status));
        show(status, false);
      }
    }).catch(function () {
      show(read(STATUS_KEY), true);
    });
  }

  // No WebCrypto (an old WebView; any page opened over plain http, not a secure context):
  // no code can be drawn. Say so and what to do, rather than leave the QR's place blank.
  function cannot() {
    qr.hidden = true;
    noCode.hidden = true;
    document.getElementById("no-crypto").hidden = false;
    var why = window.isSecureContext === false ? "no-crypto-http" : "no-crypto-old";
    document.getElementById(why).hidden = false;
  }

  if (!device) {
    noCode.hidden = false;
    return;
  }
  if (!window.crypto || !crypto.subtle) {
    cannot();
    return;
  }
  noCode.hidden = true;
  // The page as served says the balance then; a page from the offline copy (sw.js) may be
  // older than the last sync kept here: show the newer.
  var synced = document.getElementById("synced").dataset.at;
  var kept = read(STATUS_KEY);
  if (synced && (!kept || Date.parse(kept.at) <= Date.parse(synced))) {
    kept = { name: document.getElementById("name").textContent,
             balance: document.getElementById("balance").textContent, at: synced };
    localStorage.setItem(STATUS_KEY, JSON.stringify(kept));
  }
  show(kept, false);
  sync();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(function () {});
  }
  crypto.subtle.importKey("raw", base32(device.secret), { name: "HMAC", hash: "SHA-256" },
                          false, ["sign"]).then(function (imported) {
    key = imported;
    draw();
    setInterval(draw, 1000);
  }).catch(cannot);  // a WebCrypto without HMAC-SHA256
  setInterval(sync, step * 1000);
})();
