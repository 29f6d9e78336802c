"""The frame every page shares: sidebar, filters, page menu."""
