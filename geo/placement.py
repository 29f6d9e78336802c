"""Slots for symbols inside county polygons: where a county-level initiative is drawn. Pure.

An initiative the report ties to a county but no source sites is drawn *inside* its county, at
a slot that says nothing about where in the county it is. Slots are deterministic: they lie on a
hexagonal grid centred on the county's label anchor, nearest first, at least a symbol's radius
inside the boundary and clear of every label box and obstacle — at the zoom from which they are
shown. Zooming in only spreads pixels apart (geographic positions are fixed), so a layout that
fits at its first zoom fits at every zoom above it, and no slot ever leaves its county.

Distances are computed in a locally isotropic plane ``(lon · cos φ0, lat)``, in which one unit
is ``256 · 2^z / 360 / cos φ0`` Web-Mercator pixels at zoom ``z`` (exact enough over a county).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# The zooms a layout may start at.
ZOOMS: tuple[float, ...] = tuple(6 + 0.25 * i for i in range(41))  # 6 … 16, as the map snaps
MAX_ZOOM = 18.0


@dataclass(frozen=True)
class Box:
    """A screen-space rectangle tied to a geographic anchor: a label or a symbol to keep clear.

    ``left/right/top/bottom`` are pixel offsets from the anchor (screen y grows downwards).
    """

    lon: float
    lat: float
    left: float
    right: float
    top: float
    bottom: float
    zoom_from: float = 0.0  # shown only from this zoom on (e.g. names that appear zoomed in)

    @classmethod
    def around(cls, lon: float, lat: float, radius_px: float) -> Box:
        return cls(lon, lat, -radius_px, radius_px, -radius_px, radius_px)


@dataclass(frozen=True)
class Layout:
    """``n`` slots (lon, lat) that fit from ``zoom`` on."""

    zoom: float
    slots: tuple[tuple[float, float], ...]


def pixels_per_unit(zoom, lat0: float):
    """Web-Mercator pixels per unit of the (lon · cos φ0, lat) plane at ``zoom`` (array-able)."""
    return 256.0 * np.power(2.0, zoom) / 360.0 / math.cos(math.radians(lat0))


class CountySlots:
    """Slot layouts for one set of county polygons and obstacles; layouts are memoised by
    (county, n), so a rerun with the same counts costs a dictionary look-up."""

    def __init__(
        self,
        polygons: dict[str, BaseGeometry],
        anchors: dict[str, tuple[float, float]],
        obstacles: Sequence[Box] = (),
        *,
        radius_px: float = 16.0,
        spacing_px: float = 34.0,
    ) -> None:
        missing = set(polygons) - set(anchors)
        if missing:
            raise ValueError(f"no anchor for {sorted(missing)}")
        lats = [lat for _, lat in anchors.values()] or [0.0]
        self.lat0 = (min(lats) + max(lats)) / 2
        self._cos = math.cos(math.radians(self.lat0))
        self.polygons = {a: self._plane(g) for a, g in polygons.items()}
        self._boundaries = {a: g.boundary for a, g in self.polygons.items()}
        for geom in (*self.polygons.values(), *self._boundaries.values()):
            shapely.prepare(geom)
        self.anchors = {a: (lon * self._cos, lat) for a, (lon, lat) in anchors.items()}
        self.radius_px = radius_px
        self.spacing_px = spacing_px
        self._boxes = np.array(
            [
                (b.lon * self._cos, b.lat, b.left, b.right, b.top, b.bottom, b.zoom_from)
                for b in obstacles
            ],
            dtype=float,
        ).reshape(-1, 7)
        self._memo: dict[tuple[str, int, float | None], Layout] = {}

    def _plane(self, geom: BaseGeometry) -> BaseGeometry:
        cos = self._cos
        return shapely.transform(geom, lambda xy: xy * np.array([cos, 1.0]))

    def _lonlat(self, x: float, y: float) -> tuple[float, float]:
        return (round(float(x) / self._cos, 6), round(float(y), 6))

    def layout(self, adcode: str, n: int, *, radius_px: float | None = None) -> Layout:
        """``n`` slots inside ``adcode``, from the lowest zoom at which they fit.

        ``radius_px`` overrides the symbol radius (a smaller symbol, e.g. a county's total);
        spacing and the clearance from the boundary scale with it. Past the last zoom tried,
        the slots are taken at it regardless of labels (they stay inside the county);
        ``n == 0`` gives no slots.
        """
        key = (adcode, n, radius_px)
        if key not in self._memo:
            scale = 1.0 if radius_px is None else radius_px / self.radius_px
            self._memo[key] = self._compute(adcode, n, scale)
        return self._memo[key]

    def _candidates(
        self, adcode: str, zoom: float, n: int, scale: float, *, avoid: bool
    ) -> np.ndarray:
        """Free grid slots at ``zoom``, nearest the anchor first: at least ``n`` if there are."""
        ppu = pixels_per_unit(zoom, self.lat0)
        polygon, boundary = self.polygons[adcode], self._boundaries[adcode]
        ax, ay = self.anchors[adcode]
        radius_px = self.radius_px * scale
        spacing = self.spacing_px * scale / ppu
        row_h = spacing * math.sqrt(3) / 2
        minx, miny, maxx, maxy = polygon.bounds
        reach = max(maxx - minx, maxy - miny) + spacing
        # Grow a disc around the anchor until it holds n free slots: every slot outside the disc
        # is farther than every slot in it, so the n nearest are the same as on the whole grid.
        radius = spacing * (math.sqrt(max(n, 1)) * 1.5 + 2)
        while True:
            radius = min(radius, reach)
            rows = np.arange(-math.ceil(radius / row_h), math.ceil(radius / row_h) + 1)
            cols = np.arange(-math.ceil(radius / spacing) - 1, math.ceil(radius / spacing) + 2)
            grid_r, grid_c = np.meshgrid(rows, cols, indexing="ij")
            xs = (ax + (grid_c + 0.5 * (grid_r % 2)) * spacing).ravel()
            ys = (ay + grid_r * row_h).ravel()
            near = np.hypot(xs - ax, ys - ay) <= radius
            xs, ys = xs[near], ys[near]
            inside = shapely.contains_xy(polygon, xs, ys)
            xs, ys = xs[inside], ys[inside]
            clear = shapely.distance(boundary, shapely.points(xs, ys)) * ppu >= radius_px
            xs, ys = xs[clear], ys[clear]
            if avoid and len(self._boxes) and len(xs):
                xs, ys = self._clear_of_boxes(xs, ys, zoom, radius_px)
            if len(xs) >= n or radius >= reach:
                break
            radius *= 2
        if not len(xs):
            return np.empty((0, 2))
        # Nearest the anchor first; ties broken by position, so the order is total.
        order = np.lexsort((xs, ys, np.round(np.hypot(xs - ax, ys - ay) * ppu, 3)))
        return np.column_stack([xs[order], ys[order]])

    def _clear_of_boxes(self, xs: np.ndarray, ys: np.ndarray, zoom: float, r: float):
        """The slots that no box covers: each box at the zoom it appears from, if later (its
        pixel distances only grow after that)."""
        boxes = self._boxes
        ppu = pixels_per_unit(np.maximum(zoom, boxes[:, 6]), self.lat0)[None, :]
        dx = (xs[:, None] - boxes[None, :, 0]) * ppu
        dy = -(ys[:, None] - boxes[None, :, 1]) * ppu  # screen y points down
        hit = (
            (dx > boxes[None, :, 2] - r)
            & (dx < boxes[None, :, 3] + r)
            & (dy > boxes[None, :, 4] - r)
            & (dy < boxes[None, :, 5] + r)
        )
        free = ~hit.any(axis=1)
        return xs[free], ys[free]

    def _compute(self, adcode: str, n: int, scale: float) -> Layout:
        if n <= 0:
            return Layout(ZOOMS[0], ())
        for zoom in ZOOMS:
            found = self._candidates(adcode, zoom, n, scale, avoid=True)
            if len(found) >= n:
                return Layout(zoom, tuple(self._lonlat(x, y) for x, y in found[:n]))
        zoom = ZOOMS[-1]
        found = self._candidates(adcode, zoom, n, scale, avoid=False)
        if len(found) < n:  # a sliver of a county: fall back to points on its surface
            ax, ay = self.anchors[adcode]
            found = np.array([(ax, ay)] * n)
        return Layout(zoom, tuple(self._lonlat(x, y) for x, y in found[:n]))


def text_box(
    lon: float,
    lat: float,
    text: str,
    font_px: float,
    *,
    side: str = "centre",
    pad: float = 2.0,
    zoom_from: float = 0.0,
    extra_px: float = 0.0,
) -> Box:
    """The screen box of a one-line label of ``text`` drawn at (lon, lat).

    ``side`` says where the label sits relative to its anchor, as the map's CSS places it:
    ``centre``, ``east``/``west`` (starting 6 px across the anchor), ``north``/``south``, or
    ``below`` (centred under the anchor, starting ``pad`` px down). ``extra_px`` widens the
    line (e.g. a badge written after the text).
    """
    width = sum(font_px if ord(ch) > 0x2E7F else 0.62 * font_px for ch in text) + 2 * pad
    width += extra_px
    height = font_px * 1.45 + 2 * pad
    if side == "west":
        left, right, top, bottom = -width + 6, 6, -height / 2, height / 2
    elif side == "east":
        left, right, top, bottom = -6, width - 6, -height / 2, height / 2
    elif side == "south":
        left, right, top, bottom = -width / 2, width / 2, -0.15 * height, 0.85 * height
    elif side == "north":
        left, right, top, bottom = -width / 2, width / 2, -0.85 * height, 0.15 * height
    elif side == "below":
        left, right, top, bottom = -width / 2, width / 2, pad, pad + height
    else:
        left, right, top, bottom = -width / 2, width / 2, -height / 2, height / 2
    return Box(lon, lat, left, right, top, bottom, zoom_from)


def boxes_overlap(a: Box, b: Box, zoom: float) -> bool:
    """Whether two screen boxes overlap on the map at ``zoom``."""
    lat0 = (a.lat + b.lat) / 2
    ppu = pixels_per_unit(zoom, lat0)
    dx = (b.lon - a.lon) * math.cos(math.radians(lat0)) * ppu
    dy = -(b.lat - a.lat) * ppu
    return (
        a.left < dx + b.right
        and dx + b.left < a.right
        and a.top < dy + b.bottom
        and dy + b.top < a.bottom
    )
