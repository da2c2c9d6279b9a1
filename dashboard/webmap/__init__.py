"""The interactive map: folium/Leaflet base map, event layers, popups and the offline assets."""
