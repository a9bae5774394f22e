// A building list follows its grid: when the grid changes, the list is reloaded from the server for that grid.
document.addEventListener("change", async (event) => {
  const grid = event.target;
  const list = document.querySelector(`select[data-buildings-of="${grid.id}"]`);
  if (!list || !grid.value) return;
  const response = await fetch(`${list.dataset.buildingsUrl}?grid=${encodeURIComponent(grid.value)}`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { buildings } = await response.json();
  list.replaceChildren(...buildings.map(({ id, label }) => new Option(label, id)));
  // A building suggested with the grid (the current position) is chosen once its list is there.
  if (list.dataset.suggested) list.value = list.dataset.suggested;
  delete list.dataset.suggested;
});
