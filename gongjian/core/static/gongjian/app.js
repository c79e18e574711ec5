/* The few behaviours every page shares, without inline scripts (the Content-Security-Policy
   allows scripts from this site only):
   - data-confirm="…" on a form, or on a button that submits one: ask before sending
     (with data-confirm-when="field=value" on the button, only when the form's field has that value);
   - data-check-all="name" on a checkbox: tick or untick every checkbox of that name;
   - data-href="…" on a select: go to the chosen URL (…{value} is replaced);
   - data-rank on a checkbox: ticking it numbers its `rank_<value>` field next (the order
     ticked), unticking clears it.
   - data-width="42" on a bar: its width in per cent (0–100);
   - data-cat="#c8102e" on an element: its category colour as the --cat custom property.
   Setting a style through the DOM is allowed by style-src 'self'; a style="…" attribute is not. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm], a[data-confirm]");
    var when = button && button.getAttribute("data-confirm-when");
    if (when && button.form) {
      var pair = when.split("=");
      var field = button.form.elements[pair[0]];
      if (!field || field.value !== pair[1]) { button = null; }
    }
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    var all = event.target.closest("input[type=checkbox][data-check-all]");
    if (all) {
      var name = all.getAttribute("data-check-all");
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !form.dataset.confirmed) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }
  }, true);
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  function paint(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var width = parseFloat(el.getAttribute("data-width"));
      if (isFinite(width)) { el.style.width = Math.max(0, Math.min(100, width)) + "%"; }
    });
    root.querySelectorAll("[data-cat]").forEach(function (el) {
      var colour = el.getAttribute("data-cat");
      if (COLOUR.test(colour)) { el.style.setProperty("--cat", colour); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { paint(document); });
  } else {
    paint(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
  // An outerHTML swap (a job's progress, polled) replaces the target: paint what came in.
  document.addEventListener("htmx:afterSettle", function (event) {
    paint(event.target && event.target.isConnected ? event.target : document);
  });
  document.addEventListener("change", function (event) {
    var ranked = event.target.closest("input[type=checkbox][data-rank]");
    if (ranked && ranked.form) {
      var rank = ranked.form.elements["rank_" + ranked.value];
      if (rank && ranked.checked && !rank.value) {
        var top = 0;
        ranked.form.querySelectorAll("input[type=checkbox][data-rank]:checked").forEach(function (box) {
          var other = box.form.elements["rank_" + box.value];
          if (other && box !== ranked) { top = Math.max(top, parseInt(other.value, 10) || 0); }
        });
        rank.value = String(top + 1);
      } else if (rank && !ranked.checked) {
        rank.value = "";
      }
    }
    var select = event.target.closest("select[data-href]");
    if (select && select.value) {
      window.location.href = select.getAttribute("data-href").replace("{value}", encodeURIComponent(select.value));
    }
  });
})();
