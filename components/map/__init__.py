"""Map building: the folium map, its layers, symbols, legend and the map view a page shows."""
