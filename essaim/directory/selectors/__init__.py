"""Reads of the directory, one module per family: `search` (the search with facets) and `profiles`
(profile, sector tree, possible duplicates). The public names are re-exported here."""

from essaim.directory.selectors.profiles import possible_duplicates, sectors_tree, structure_profile
from essaim.directory.selectors.search import (
    MAX_PAGE,
    PAGE_SIZE,
    PARTIAL_MESSAGE,
    SORTS,
    FacetValue,
    SearchFilters,
    SearchResult,
    filtered_structures,
    published_more_than,
    search_structures,
)

__all__ = [
    "MAX_PAGE",
    "PAGE_SIZE",
    "PARTIAL_MESSAGE",
    "SORTS",
    "FacetValue",
    "SearchFilters",
    "SearchResult",
    "filtered_structures",
    "possible_duplicates",
    "published_more_than",
    "search_structures",
    "sectors_tree",
    "structure_profile",
]
