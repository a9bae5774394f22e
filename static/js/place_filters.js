// Choosing a street or a community fetches the narrowed lists below it from the page; without scripts, submitting the form narrows them.
document.addEventListener("change", async function (event) {
  var select = event.target.closest("[data-place]");
  var box = select && select.closest("[data-place-filters]");
  if (!box) return;
  var selects = Array.from(box.querySelectorAll("[data-place]"));
  // The lists below were narrowed by the old choice: their choices no longer apply.
  selects.slice(selects.indexOf(select) + 1).forEach(function (lower) { lower.value = ""; });
  if (select.dataset.place === "grid") return;
  var query = new URLSearchParams(new FormData(select.form));
  query.delete("page");
  var response = await fetch(window.location.pathname + "?" + query.toString(), { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  var fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-place-filters]");
  if (!fresh) return;
  box.replaceWith(fresh);
  var again = fresh.querySelector('[data-place="' + select.dataset.place + '"]');
  if (again) again.focus();
});
