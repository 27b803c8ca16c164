"""libcst codemods that rewrite eventlet API uses; see ``registry`` for the list."""
