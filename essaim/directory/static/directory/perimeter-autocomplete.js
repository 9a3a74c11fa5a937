// Progressive enhancement of perimeter code fields: suggestions from the territory API in a <datalist>.
// Without JavaScript the field still takes codes typed by hand (94081 dep:94 epci:200058014 …).
(function () {
  "use strict";
  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var words = input.value.split(/[\s,]+/);
      var last = words[words.length - 1];
      if (last.length < 2) return;
      timer = setTimeout(function () {
        var url = input.dataset.perimeterAutocomplete + "?limit=8&q=" + encodeURIComponent(last);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            var head = words.slice(0, -1).join(" ");
            list.replaceChildren.apply(list, items.map(function (item) {
              var option = document.createElement("option");
              option.value = (head ? head + " " : "") + item.code;
              option.label = item.label;
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  }
  function init(root) {
    root.querySelectorAll("input[data-perimeter-autocomplete]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
