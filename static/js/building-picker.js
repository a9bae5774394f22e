// A building list follows its grid: when the grid changes, the list is reloaded from the server for that grid.
document.addEventListener("change", async (event) => {
  const grid = event.target;
  const list = document.querySelector(`select[data-buildings-of="${grid.id}"]`);
  if (!list || !grid.value) return;
  const response = await fetch(`${list.dataset.buildingsUrl}?grid=${encodeURIComponent(grid.value)}`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { buildings } = await response.json();
  list.replaceChildren(...buildings.map(({ id, label }) => new Option(label, id)));
});
