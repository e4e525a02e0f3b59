"""The live content of a running bot, reloadable without ever serving broken content."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from bot.core.content.catalog import Catalog
from bot.core.content.loader import load_catalog
from bot.core.content.problems import ContentErrors, Problem

log = logging.getLogger(__name__)


class ContentLibrary:
    """Holds the last good catalog. Loading at start-up raises; a reload never does."""

    def __init__(self, paths: Sequence[Path], root: Path | None = None) -> None:
        self._paths = list(paths)
        self._root = root
        self.catalog: Catalog = load_catalog(self._paths, root)

    def reload(self) -> list[Problem]:
        """Load the content again. On errors keep serving the current catalog and return them."""
        try:
            catalog = load_catalog(self._paths, self._root)
        except ContentErrors as errors:
            log.warning(
                "content reload failed with %d problem(s); still serving the last good content",
                len(errors.problems),
            )
            return errors.problems
        self.catalog = catalog
        log.info("content reloaded: %d quotes, %d facts", len(catalog.quotes), len(catalog.facts))
        return []
