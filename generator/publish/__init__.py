"""Stage 6: the only stage that writes: content/, qr/, caches, the mkdocs build, the swap."""
