/* Essaim: a record page's small map loads Leaflet (CSS and script) and map.js only when it
   comes near the screen: the page itself renders without waiting for them. map.js is a module,
   added once Leaflet (a classic script) has run. */
(function () {
  "use strict";
  var me = document.currentScript;
  var boxes = document.querySelectorAll(".mini-map");
  if (!boxes.length || !me) return;
  var loaded = false;
  function load() {
    if (loaded) return;
    loaded = true;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = me.getAttribute("data-css");
    /* The scripts wait for the style sheet: Leaflet finds its marker images through it, and a
       marker made before it has loaded asks for them beside the page (two 404s, no icon). */
    css.onload = css.onerror = scripts;
    document.head.appendChild(css);
  }
  function add(src, type, then) {
    var script = document.createElement("script");
    if (type) script.type = type;
    script.src = src;
    if (then) script.onload = then;
    document.head.appendChild(script);
  }
  function scripts() {
    add(me.getAttribute("data-leaflet"), "", function () { add(me.getAttribute("data-map"), "module"); });
  }
  if (!("IntersectionObserver" in window)) { load(); return; }
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) { observer.disconnect(); load(); }
  }, { rootMargin: "300px" });
  Array.prototype.forEach.call(boxes, function (box) { observer.observe(box); });
})();
