"""Believable places for the demo district around 长安区, 石家庄 (114.52E, 38.05N).

Streets are side-by-side strips, each street's communities are stacked in its strip, each community is cut into
grid cells of about 300 m, and buildings stand on a loose lattice inside their grid. All edges come from one lattice
of rounded coordinates, so neighbours share exactly the same edge and the unions of grids are clean rectangles.
"""

import math
import random

from shapely.geometry import box

from grids.places import outline_fields

CENTRE_LON, CENTRE_LAT = 114.52, 38.05
CELL_M = 300
METRES_PER_DEGREE_LAT = 111_132
METRES_PER_DEGREE_LON = 111_320 * math.cos(math.radians(CENTRE_LAT))


def _split(count: int) -> tuple[int, int]:
    """Columns and rows that tile `count` cells exactly, as square as possible, wider than tall."""
    columns = next(d for d in range(math.ceil(math.sqrt(count)), count + 1) if count % d == 0)
    return columns, count // columns


class DemoLayout:
    def __init__(self, *, streets: int, communities_per_street: int, grids_per_community: int, buildings_per_grid: int, rng: random.Random, slot=(0, 0)):
        self.columns, self.rows = _split(grids_per_community)
        self.building_columns = math.ceil(math.sqrt(buildings_per_grid))
        self.building_rows = math.ceil(buildings_per_grid / self.building_columns)
        self.dlon, self.dlat = CELL_M / METRES_PER_DEGREE_LON, CELL_M / METRES_PER_DEGREE_LAT
        # A district `slot` (columns, rows) away from the first lies one district's width (or height) apart per step, with a
        # street of gap, on whole lattice steps so that every edge stays on the lattice.
        width, height = (streets + 1) * self.columns, (communities_per_street + 1) * self.rows
        self.west = CENTRE_LON - streets * self.columns * self.dlon / 2 + slot[0] * width * self.dlon
        self.south = CENTRE_LAT - communities_per_street * self.rows * self.dlat / 2 + slot[1] * height * self.dlat
        self.rng = rng

    def _lon(self, x: int) -> float:
        return round(self.west + x * self.dlon, 7)

    def _lat(self, y: int) -> float:
        return round(self.south + y * self.dlat, 7)

    def grid_outline(self, *, street_index: int, community_index: int, sequence: int) -> dict:
        """The outline fields of grid `sequence` (from 1) of the community at `community_index` (from 0) of the street."""
        x = street_index * self.columns + (sequence - 1) % self.columns
        y = community_index * self.rows + (sequence - 1) // self.columns
        return outline_fields(box(self._lon(x), self._lat(y), self._lon(x + 1), self._lat(y + 1)))

    def building_point(self, grid, number: int) -> dict:
        """A point inside the grid's cell for its building `number` (from 1), kept a tenth of a lattice step off its edges."""
        column, row = (number - 1) % self.building_columns, (number - 1) // self.building_columns
        step_lon = (grid.max_lon - grid.min_lon) / self.building_columns
        step_lat = (grid.max_lat - grid.min_lat) / self.building_rows
        return {
            "lon": round(grid.min_lon + (column + 0.5 + self.rng.uniform(-0.4, 0.4)) * step_lon, 7),
            "lat": round(grid.min_lat + (row + 0.5 + self.rng.uniform(-0.4, 0.4)) * step_lat, 7),
        }
