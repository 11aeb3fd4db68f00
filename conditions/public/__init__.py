"""The public site: pages, API, feeds, search and the page cache, all from publications."""
