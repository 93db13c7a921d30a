// Checks the portal's password rules while the user types. The server applies the same rules
// (newsreel/accounts/passwords.py, by Unicode category) and stays the authority.
(function () {
  "use strict";
  var checks = {
    too_short: function (pw) { return Array.from(pw).length < 12; },
    too_long: function (pw) { return Array.from(pw).length > 128; },
    has_space: function (pw) { return /[\s\p{Z}]/u.test(pw); },
    no_upper: function (pw) { return !/\p{Lu}/u.test(pw); },
    no_lower: function (pw) { return !/\p{Ll}/u.test(pw); },
    no_digit: function (pw) { return !/\p{Nd}/u.test(pw); },
    no_symbol: function (pw) { return !/[\p{P}\p{S}\p{M}]/u.test(pw); }
  };
  document.querySelectorAll(".password-rules[data-for]").forEach(function (box) {
    var input = document.getElementById(box.getAttribute("data-for"));
    if (!input) { return; }
    var items = box.querySelectorAll("li[data-rule]");
    input.setAttribute("aria-describedby", box.id);
    function update() {
      var pw = input.value, unmet = 0;
      items.forEach(function (li) {
        var check = checks[li.getAttribute("data-rule")];
        if (!check) { return; }
        var broken = pw.length > 0 && check(pw);
        if (broken) { unmet += 1; }
        li.setAttribute("data-state", pw.length === 0 ? "" : (broken ? "unmet" : "met"));
      });
    }
    input.addEventListener("input", update);
    update();
  });
})();
