"""One module per ``seizurewatch`` subcommand; each exposes ``register(subparsers)``."""
