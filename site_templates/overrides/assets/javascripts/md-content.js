/* mkdocs-material 9.8.2 partials/javascripts/content.html, as a file: see md-base.js. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
