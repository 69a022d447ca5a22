"""Import articles: ``reader`` parses a file (pandoc wiki Markdown or an export — pure text in,
parsed article out), ``export_format`` owns the backup format both ways, ``saving`` writes a parsed
article to the database. The public names are re-exported here for commands and tests."""
from .export_format import EXPORT_FORMAT, article_to_markdown, parse_export
from .parsed import ImportFailure, ParsedArticle, ParsedReference, ParsedSection, check_sizes
from .reader import (
    REFERENCE_HEADINGS, clean_title, convert_inline, convert_links, normalise_variants, parse_wiki_markdown,
    read_article_file, strip_html, unescape_pandoc, wiki_target,
)
from .saving import ImportResult, article_for_import, save_article

__all__ = [
    "EXPORT_FORMAT", "REFERENCE_HEADINGS", "ImportFailure", "ImportResult", "ParsedArticle", "ParsedReference",
    "ParsedSection", "article_to_markdown", "article_for_import", "check_sizes", "clean_title",
    "convert_inline", "convert_links", "normalise_variants", "parse_export", "parse_wiki_markdown",
    "read_article_file", "save_article", "strip_html", "unescape_pandoc", "wiki_target",
]
