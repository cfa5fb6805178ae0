"""offers: a personalized offer engine for supermarkets.

The public API, one function per stage of the flow (see DESIGN.md); everything else is
private to its module.
"""

from offers.completejourney import import_completejourney
from offers.config import Settings, SettingsError, load_settings
from offers.ingest import IngestError, LoadResult, ingest_file
from offers.synthetic import GeneratedStore, generate
from offers.warehouse import WarehouseError, connect

__all__ = [
    "GeneratedStore",
    "IngestError",
    "LoadResult",
    "Settings",
    "SettingsError",
    "WarehouseError",
    "connect",
    "generate",
    "import_completejourney",
    "ingest_file",
    "load_settings",
]
