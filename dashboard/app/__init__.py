"""The Streamlit layer: widgets, cached adapters and layout. The only package that imports streamlit."""
