"""Use cases: what a request or a command does. Callers own the transaction."""
