"""RSS 2.0 and Atom feeds with Media RSS, per language, for news, media, events and any search."""
