"""How search engines, crawlers and feed readers find the archive: sitemaps, robots.txt, feeds."""
