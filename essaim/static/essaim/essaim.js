// Essaim: what every page needs for keyboard and screen-reader users (loaded by base.html, no inline script).
//
// 1. On load, focus goes to the error summary of a form sent back with errors ([data-error-summary]), or
//    else to an element the page marks [data-focus-on-load] (e.g. the status after "Pointer l'arrivée").
// 2. A link of an error summary opens the <details> sections around its field, then focuses the field.
// 3. After every htmx swap: the short text of the new content's [data-announce] element ("12 structures
//    trouvées") is read from the page's one status region (#live-status, added to <main> at load on pages
//    that update with htmx, so that it exists before its first text), instead of a live region around
//    the whole content; when the element that had the focus was replaced (a "Page suivante" link), focus
//    goes to the new content's [data-swap-focus] element (a heading or a status), else to its first heading.
// 4. <select data-change-on-commit>: arrowing through the options of a closed select sends no request per
//    option; the change is committed by Enter, by leaving the select, or at once when chosen with a mouse.
// 5. A table wider than its box (.table-wrapper, at 320 px) scrolls in its box: the box is then reachable
//    with Tab (tabindex="0") and named by the table's caption (role="region"), so it can be scrolled with
//    the keyboard; checked at load, on resize, when a <details> opens and after htmx swaps.
(function () {
  "use strict";

  function focusElement(element) {
    if (!element) {
      return false;
    }
    if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  function openDetailsAround(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }

  function addLiveStatus() {
    var main = document.querySelector("main");
    if (!main || document.getElementById("live-status") || !document.querySelector("[hx-get], [hx-post]")) {
      return;
    }
    var region = document.createElement("div");
    region.id = "live-status";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-atomic", "true");
    main.appendChild(region);
  }

  // 5. Scroll boxes of wide tables.
  var captionCount = 0;

  function markScrollBoxes() {
    document.querySelectorAll(".table-wrapper").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var marked = box.hasAttribute("data-scroll-box");
      if (!marked && box.hasAttribute("tabindex")) {
        return; // a box the template already made focusable and named
      }
      if (scrolls && !marked) {
        var caption = box.querySelector("caption");
        if (caption) {
          while (!caption.id) {
            captionCount += 1;
            if (!document.getElementById("table-caption-" + captionCount)) {
              caption.id = "table-caption-" + captionCount;
            }
          }
          box.setAttribute("aria-labelledby", caption.id);
        } else {
          box.setAttribute("aria-label", "Tableau");
        }
        box.setAttribute("data-scroll-box", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
      } else if (!scrolls && marked) {
        ["data-scroll-box", "tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(markScrollBoxes, 100);
  });
  document.addEventListener("toggle", markScrollBoxes, true);
  document.addEventListener("htmx:afterSettle", markScrollBoxes);
  // Synchronous, for a caller that just changed the layout (the browser tests open every <details>).
  document.addEventListener("essaim:layout", markScrollBoxes);

  // 1. Focus on load.
  function focusOnLoad() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      openDetailsAround(summary);
      focusElement(summary);
      return;
    }
    focusElement(document.querySelector("[data-focus-on-load]"));
  }

  // 2. Error summary links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    openDetailsAround(field);
    field.scrollIntoView({ block: "center" });
    focusElement(field);
  });

  // 3. htmx swaps: one short announcement, focus kept or moved to the new content's heading.
  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    // Emptied first, then filled a moment later: the same text twice in a row is read again.
    window.setTimeout(function () {
      region.textContent = text.replace(/\s+/g, " ").trim();
    }, 100);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.isConnected) {
      return;
    }
    var announced = target.querySelector("[data-announce]");
    if (announced) {
      announce(announced.textContent);
    }
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (lost) {
      focusElement(target.querySelector("[data-swap-focus]") || target.querySelector("h1, h2, h3, [role='status']"));
    }
  });

  // 4. Selects changed on commit only.
  var ARROW_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"];
  var pending = new WeakSet();
  var byKeyboard = new WeakSet();

  function commit(select) {
    if (pending.has(select)) {
      pending.delete(select);
      var change = new Event("change", { bubbles: true });
      change.essaimCommitted = true;
      select.dispatchEvent(change);
    }
  }

  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-change-on-commit]")) {
      return;
    }
    if (ARROW_KEYS.indexOf(event.key) !== -1 || event.key.length === 1) {
      byKeyboard.add(select);
    } else if (event.key === "Enter") {
      commit(select);
    }
  }, true);

  document.addEventListener("mousedown", function (event) {
    if (event.target.matches && event.target.matches("select[data-change-on-commit]")) {
      byKeyboard.delete(event.target);
    }
  }, true);

  // Capture phase: runs before the form's own listeners (htmx's among them).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (event.essaimCommitted || !select.matches || !select.matches("select[data-change-on-commit]")) {
      return;
    }
    if (byKeyboard.has(select)) {
      event.stopPropagation();
      pending.add(select);
    }
  }, true);

  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches("select[data-change-on-commit]")) {
      byKeyboard.delete(event.target);
      commit(event.target);
    }
  }, true);

  function start() {
    addLiveStatus();
    markScrollBoxes();
    focusOnLoad();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
