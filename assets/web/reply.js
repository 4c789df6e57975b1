// reply.js: the live part counter of the reply form (server/web_item_reply.c).
// The page works without it: "Förhandsgranska" gives the same line from the
// server. The counting follows shared/src/ucs2.c (the gateway's code): GSM-7
// when every character is in the default alphabet (extension characters
// count 2), 160 septets in one part or 153 per part; otherwise UCS-2, 70 code
// units in one part or 67 per part. A test (tests/web/staff.mjs) compares
// this counter with the server's line.
(function () {
  'use strict';
  var BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var EXT = '\f^{}\\[~]|€';
  function cost(ch) {
    if (ch === '\u001b') return 0;
    if (BASIC.indexOf(ch) >= 0) return 1;
    if (EXT.indexOf(ch) >= 0) return 2;
    return 0;
  }
  // {units, parts, gsm} of text s, or null when it is over 255 parts.
  function count(s) {
    var units = 0, parts = 0, used = 0, i, c, gsm = true;
    for (i = 0; i < s.length && gsm; i++) if (cost(s[i]) === 0) gsm = false;
    if (s.length === 0) return {units: 0, parts: 0, gsm: true};
    if (gsm) {
      for (i = 0; i < s.length; i++) units += cost(s[i]);
      if (units <= 160) return {units: units, parts: 1, gsm: true};
      parts = 1;
      for (i = 0; i < s.length; i++) {
        c = cost(s[i]);
        if (used + c > 153) { parts++; used = 0; }
        used += c;
      }
    } else {
      units = s.length; // UTF-16 code units, as the gateway counts
      if (units <= 70) return {units: units, parts: 1, gsm: false};
      parts = 1;
      for (i = 0; i < s.length; i++) {
        c = (s.charCodeAt(i) >= 0xD800 && s.charCodeAt(i) <= 0xDBFF && i + 1 < s.length) ? 2 : 1;
        if (used + c > 67) { parts++; used = 0; }
        used += c;
        i += c - 1;
      }
    }
    return parts > 255 ? null : {units: units, parts: parts, gsm: gsm};
  }
  function wire(area, out) {
    function update() {
      // The server trims the text and sends CRLF as the form posts it.
      var s = area.value.replace(/\r?\n/g, '\r\n').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      var n = count(s);
      if (!n) { out.textContent = out.getAttribute('data-toolong'); return; }
      out.textContent = out.getAttribute('data-fmt')
        .replace('{chars}', String(n.units)).replace('{parts}', String(n.parts))
        .replace('{coding}', out.getAttribute(n.gsm ? 'data-gsm' : 'data-ucs2'));
    }
    area.addEventListener('input', update);
    update();
  }
  var area = document.getElementById('reply-text'), out = document.getElementById('reply-count');
  if (area && out) wire(area, out);
  var ta = document.getElementById('tpl-text'), to = document.getElementById('tpl-count');
  if (ta && to) wire(ta, to);
})();
