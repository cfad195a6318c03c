"""Reading OCDS 1.1 release and record packages into ContractData (no persistence here).

Typical use: ``for path, release in iter_releases(f): contract = map_release(release, path)``,
catching OcdsSkipError (report and carry on) before OcdsError (reject the whole file).
"""

from app.imports.ocds_map import is_newer_release, map_release, release_sort_key
from app.imports.ocds_model import (
    ContractData,
    DatesSource,
    MissingCompiledRelease,
    OcdsError,
    OcdsSkipError,
    OcdsTooLarge,
    SupplierData,
)
from app.imports.ocds_stream import iter_releases

__all__ = [
    "ContractData",
    "DatesSource",
    "MissingCompiledRelease",
    "OcdsError",
    "OcdsSkipError",
    "OcdsTooLarge",
    "SupplierData",
    "is_newer_release",
    "iter_releases",
    "map_release",
    "release_sort_key",
]
