/* 查码: the number printed under a damaged code, typed in any case, with spaces or in
   full-width characters, leads to the code's page. A static file, never inline, so the
   site can use a Content-Security-Policy without 'unsafe-inline'. Without JavaScript the
   form stays hidden and the page's list by code does the same work. */
(function () {
  "use strict";
  var form = document.getElementById("lookup");
  if (!form || !window.fetch || !String.prototype.normalize) return;
  var input = document.getElementById("lookup-code");
  var message = document.getElementById("lookup-message");
  var known = null; // upper-case code → the code as printed; null until the list arrives

  // Dashes an input method may produce instead of "-".
  var DASHES = /[\u2010-\u2015\u2212\u30fc\uff70\ufe58\ufe63]/g;

  function normalise(text) {
    var code = text.normalize("NFKC").replace(DASHES, "-").replace(/\s+/g, "").toUpperCase();
    // A whole address typed or pasted from the sign: keep what follows "/Q/".
    var path = code.match(/\/Q\/([^\/?#]+)\/?$/);
    return path ? path[1] : code;
  }

  fetch(form.getAttribute("data-codes"))
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data) return;
      known = {};
      data.codes.forEach(function (code) { known[code.toUpperCase()] = code; });
    })
    .catch(function () { /* no list: the form still tries the code as typed */ });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = normalise(input.value);
    if (!/^[A-Z0-9-]{3,32}$/.test(code)) {
      message.textContent = "编号由字母、数字和“-”组成，请核对标识牌上二维码下方印的编号。";
      return;
    }
    var printed = known ? known[code] : code;
    if (!printed) {
      message.textContent = "没有找到编号“" + code + "”。请核对后重试，或在下表中查找。";
      return;
    }
    message.textContent = "正在打开 " + printed + " ……";
    window.location.href = form.getAttribute("data-target") + encodeURIComponent(printed) + "/";
  });

  form.hidden = false;
})();
