"""Files handed to people: printable maps, story exports, standalone offline HTML."""
