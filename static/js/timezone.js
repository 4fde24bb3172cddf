// timezone.js: tell the server the browser's time zone, once, while the member has none.
// The page carries <body data-time-zone-url> only then (templates/_base.html); the server keeps
// a zone the member chose (users.views.settings_time_zone). Without JavaScript, times show in
// the server's zone until the member picks one in settings.
(function () {
  "use strict";

  var SENT = "msg-time-zone-sent";

  function report() {
    var body = document.body;
    var url = body && body.dataset.timeZoneUrl;
    if (!url || !window.fetch || !window.Intl) return;
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (!zone) return;
    try {
      // Once per browser session, even if the answer is lost: the next session tries again.
      if (sessionStorage.getItem(SENT) === zone) return;
      sessionStorage.setItem(SENT, zone);
    } catch (error) {
      // Storage refused (private mode): sending once per page is harmless, the server keeps the first.
    }
    var headers = {};
    try {
      headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      headers = {};
    }
    var data = new FormData();
    data.append("time_zone", zone);
    fetch(url, { method: "POST", body: data, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) delete body.dataset.timeZoneUrl;
      })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", report);
  } else {
    report();
  }
})();
