"""The live content of a running bot, reloadable without ever serving broken content."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from bot.core.content.catalog import Catalog
from bot.core.content.loader import load_catalog
from bot.core.content.problems import ContentErrors, Problem
from bot.core.quiz.loader import load_quizzes
from bot.core.quiz.models import Quiz

log = logging.getLogger(__name__)


class ContentLibrary:
    """Holds the last good catalog and quizzes. Loading at start-up raises; a reload never does."""

    def __init__(
        self,
        paths: Sequence[Path],
        root: Path | None = None,
        quiz_paths: Sequence[Path] = (),
    ) -> None:
        self._paths = list(paths)
        self._quiz_paths = list(quiz_paths)
        self._root = root
        self.catalog: Catalog
        self.quizzes: dict[str, Quiz]
        self.catalog, self.quizzes = self._load()

    def _load(self) -> tuple[Catalog, dict[str, Quiz]]:
        catalog = load_catalog(self._paths, self._root)
        return catalog, load_quizzes(self._quiz_paths, catalog, self._root)

    def reload(self) -> list[Problem]:
        """Load everything again. On errors keep serving the current content and return them."""
        try:
            self.catalog, self.quizzes = self._load()
        except ContentErrors as errors:
            log.warning(
                "content reload failed with %d problem(s); still serving the last good content",
                len(errors.problems),
            )
            return errors.problems
        except Exception as exc:  # a loader fault must not take the served content with it
            log.exception("content reload failed unexpectedly; still serving the last good content")
            where = str(self._paths[0]) if self._paths else "content"
            return [Problem(where, 1, 1, f"could not be loaded ({exc.__class__.__name__}, logged)")]
        log.info(
            "content reloaded: %d quotes, %d facts, %d quizzes",
            len(self.catalog.quotes),
            len(self.catalog.facts),
            len(self.quizzes),
        )
        return []
