"""Bumped whenever parser output changes, so the warehouse knows which rows a reparse changes.

1.0.0  first release.
1.0.1  sharepoint: an unclosed title element that swallows the page is not the title.
1.1.0  `channel_id` in the article record; article ids without leading zeros.
"""

PARSER_VERSION = "1.1.0"
