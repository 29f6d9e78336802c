"""Page views: what each page shows besides the map (cards, tables, balance, story steps)."""
