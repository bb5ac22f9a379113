"""Stage 4: everything content/ holds, as text: pages, feeds, downloads, charts."""
