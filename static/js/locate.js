// "Use my current position" on the report form: the server suggests the grid and nearest building; the worker may change them.
(() => {
  const box = document.querySelector("[data-locate-url]");
  if (!box || !navigator.geolocation) return;
  box.hidden = false;
  const status = box.querySelector("[data-locate-status]");
  const grid = document.getElementById("id_grid");
  const building = document.querySelector(`select[data-buildings-of="${grid ? grid.id : ""}"]`);

  const suggest = async ({ coords }) => {
    const query = new URLSearchParams({ lon: coords.longitude.toFixed(6), lat: coords.latitude.toFixed(6) });
    const response = await fetch(`${box.dataset.locateUrl}?${query}`, { headers: { Accept: "application/json" } });
    const found = await response.json();
    status.textContent = found.message || "";
    // Outside the reporter's grids, or a grid this form does not offer: the form is left as it was.
    if (!response.ok || !grid || ![...grid.options].some((option) => option.value === String(found.grid))) return;
    grid.value = String(found.grid);
    if (building) building.dataset.suggested = found.building ? String(found.building) : "";
    grid.dispatchEvent(new Event("change", { bubbles: true }));
  };

  box.querySelector("button").addEventListener("click", () => {
    status.textContent = "";
    navigator.geolocation.getCurrentPosition(suggest, () => (status.textContent = box.dataset.failed), { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
