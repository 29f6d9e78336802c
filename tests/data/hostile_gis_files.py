"""Small GeoPackages and zips that try to make the importer unpack, read or write too much,
generated on the fly (the GIS counterpart of tests/data/hostile_files.py)."""

from __future__ import annotations

import io
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

# A point in 邵东市 (WGS-84), as in the good files of the tests.
SHAODONG = (111.744, 27.258)


def points(count: int = 1) -> gpd.GeoDataFrame:
    """`count` named points near 邵东, WGS-84."""
    return gpd.GeoDataFrame(
        {"名称": [f"点{i}" for i in range(count)], "县": ["邵东市"] * count},
        geometry=[Point(*SHAODONG)] * count,
        crs="EPSG:4326",
    )


def zipped(members: dict[str, bytes], *, level: int = 9) -> bytes:
    """A zip of `members` (name -> bytes), deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefile_members(frame: gpd.GeoDataFrame | None = None, stem: str = "layer") -> dict:
    """The files of a real Shapefile written by GDAL: {"stem.shp": bytes, ...}."""
    frame = points() if frame is None else frame
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / f"{stem}.shp")
        return {f.name: f.read_bytes() for f in sorted(Path(tmp).iterdir())}


def zip_bomb(unpacked_mb: int = 300) -> bytes:
    """A valid Shapefile whose .dbf is followed by a member of zeros that unpacks to
    `unpacked_mb` MB (about 0.3 MB zipped) under the layer's own name."""
    members = shapefile_members()
    members["layer.cpg"] = b"\0" * (unpacked_mb * 1024 * 1024)
    return zipped(members)


def zip_lying_size() -> bytes:
    """A Shapefile whose .dbf says (in both zip headers) it unpacks to 100 bytes, while it
    holds 5 MB."""
    members = shapefile_members()
    members["layer.dbf"] = members["layer.dbf"] + b" " * (5 * 1024 * 1024)
    content = bytearray(zipped(members))
    name = b"layer.dbf"
    # Local header: signature, then the uncompressed size at byte 22; central header: byte 24.
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := content.find(signature, start)) != -1:
            if content[start + name_at : start + name_at + len(name)] == name:
                content[start + offset : start + offset + 4] = struct.pack("<I", 100)
            start += 4
    return bytes(content)


def zip_traversal() -> bytes:
    """A Shapefile whose members are named ../../tmp/evil.*."""
    return zipped({f"../../tmp/evil{Path(n).suffix}": c for n, c in shapefile_members().items()})


def zip_several_shapefiles() -> bytes:
    return zipped({**shapefile_members(stem="一"), **shapefile_members(stem="二")})


def zip_without_shp() -> bytes:
    return zipped({n: c for n, c in shapefile_members().items() if not n.endswith(".shp")})


def zip_without_dbf() -> bytes:
    return zipped({n: c for n, c in shapefile_members().items() if not n.endswith(".dbf")})


def zip_many_members(count: int = 5000) -> bytes:
    return zipped({**shapefile_members(), **{f"x/{i}.txt": b"" for i in range(count)}})


def gpkg_bytes(path: Path) -> bytes:
    return path.read_bytes()


def gpkg_not_sqlite() -> bytes:
    return b"PK\x03\x04 this is not a database" + b"\0" * 100


def sqlite_not_gpkg(folder: Path) -> bytes:
    """A plain SQLite database with one ordinary table (no GeoPackage metadata)."""
    path = folder / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("create table projects (name text, county text)")
        db.execute("insert into projects values ('产业园', '邵东市')")
    db.close()
    return path.read_bytes()


def gpkg_truncated(folder: Path) -> bytes:
    """The first 4 KB of a real GeoPackage."""
    path = folder / "whole.gpkg"
    points(200).to_file(path, layer="points")
    return path.read_bytes()[:4096]


def _geopackage_in(folder: Path | None, name: str, write) -> bytes:
    """`write(path)` into `folder` (or a temporary one), the GeoPackage's bytes back."""
    if folder is not None:
        path = folder / name
        write(path)
        return path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        return _geopackage_in(Path(tmp), name, write)


def gpkg_many_points(folder: Path | None = None) -> bytes:
    """A real GeoPackage at the row limit: 50,000 points in CGCS2000 / GK CM 111E."""
    return _geopackage_in(
        folder, "many.gpkg", lambda path: points(50_000).to_crs(4546).to_file(path, layer="p")
    )


def gpkg_endless_view(folder: Path | None = None) -> bytes:
    """A GeoPackage whose only layer is a view of an endless recursive query (every reader that
    counts or reads its features runs forever)."""
    return _geopackage_in(folder, "endless.gpkg", _write_endless_view)


def _write_endless_view(path: Path) -> None:
    points(1).to_file(path, layer="seed")
    with sqlite3.connect(path) as db:
        db.execute(
            "create view endless as with recursive n(i) as (select 1 union all select i + 1 "
            "from n) select n.i as fid, seed.geom as geom, seed.名称 as 名称 from n, seed"
        )
        db.execute(
            "insert into gpkg_contents (table_name, data_type, identifier, srs_id) "
            "values ('endless', 'features', 'endless', 4326)"
        )
        db.execute(
            "insert into gpkg_geometry_columns values ('endless', 'geom', 'POINT', 4326, 0, 0)"
        )
        db.execute("delete from gpkg_geometry_columns where table_name = 'seed'")
        db.execute("delete from gpkg_contents where table_name = 'seed'")
    db.close()
