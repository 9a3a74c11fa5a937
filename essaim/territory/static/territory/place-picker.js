// Place picker: progressive enhancement of the text inputs marked data-place-suggest (PlaceInput).
// Without JavaScript the server resolves names typed by hand ("Vitry", "Grand-Orly Seine Bièvre", "94").
// With it, the input becomes an ARIA 1.2 combobox: suggestions from the JSON endpoint in a listbox, arrows to
// move, Enter or a click to choose, Escape to close; the number of suggestions is announced in a status region.
// Inputs with data-place-multiple take several places separated by commas: only the last one is completed.
(function () {
  "use strict";
  var counter = 0;

  function segments(input) {
    if (!input.dataset.placeMultiple) return { head: "", last: input.value };
    var index = input.value.lastIndexOf(",");
    return {
      head: index < 0 ? "" : input.value.slice(0, index + 1) + " ",
      last: input.value.slice(index + 1),
    };
  }

  function enhance(input) {
    if (input.dataset.placeReady) return;
    input.dataset.placeReady = "true";
    counter += 1;
    var listId = (input.id || "place-" + counter) + "-suggestions";
    var wrapper = document.createElement("div");
    wrapper.className = "place-picker";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "place-picker__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Lieux suggérés");
    list.hidden = true;
    wrapper.appendChild(list);
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite"); // not role=status: the page's own status stays the only one
    status.setAttribute("aria-atomic", "true");
    status.className = "visually-hidden place-picker__status";
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var active = -1;
    var items = [];
    var request = 0;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      var parts = segments(input);
      input.value = parts.head + item.label + (input.dataset.placeMultiple ? ", " : "");
      close();
      status.textContent = item.label + " choisi.";
      input.focus();
      input.dispatchEvent(new Event("change", { bubbles: true })); // filters that search on change (htmx)
    }

    function show(found) {
      items = found;
      list.replaceChildren();
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "place-picker__option";
        option.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "place-picker__kind";
        kind.textContent = " " + item.kind;
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
      status.textContent = found.length === 0 ? "Aucun lieu suggéré."
        : found.length === 1 ? "1 lieu suggéré." : found.length + " lieux suggérés.";
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var last = segments(input).last.trim();
      if (last.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var url = input.dataset.placeSuggest + "?q=" + encodeURIComponent(last);
        if (input.dataset.placeKinds) url += "&kinds=" + encodeURIComponent(input.dataset.placeKinds);
        var mine = ++request;
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) { if (mine === request) show(found); })
          .catch(function () {});
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // Enhance on first focus: works for inputs added later (formsets, htmx swaps) without a scan.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.dataset.placeSuggest) enhance(target);
  });
})();
