// Every page's times: the server writes each instant in UTC inside <time datetime="ISO-8601">, which is what a reader
// without JavaScript sees. Here each one is shown in the viewer's own time zone, with how long ago (or how soon) it
// is, and the UTC text moves to the tooltip, so an on-call engineer never converts zones in their head.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function local(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
        pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function relative(ms) {
    var s = Math.round(Math.abs(ms) / 1000);
    var text;
    if (s < 60) { text = s + " s"; }
    else if (s < 3600) { text = Math.round(s / 60) + " min"; }
    else if (s < 172800) { text = Math.round(s / 3600) + " h"; }
    else { text = Math.round(s / 86400) + " days"; }
    return ms >= 0 ? text + " ago" : "in " + text;
  }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var now = Date.now();
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) { continue; }
    var utc = el.textContent;
    if (el.getAttribute("data-compact") === "true") {
      // Table cells: the local time alone keeps columns narrow; the rest is in the tooltip.
      el.title = utc + ", " + relative(now - d.getTime());
      el.textContent = local(d);
    } else {
      el.title = utc;
      el.textContent = local(d) + (zone ? " " + zone : "") + " (" + relative(now - d.getTime()) + ")";
    }
    el.classList.add("local");
  }
}());
