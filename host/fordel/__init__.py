"""fordel: open heat and water cost allocation (fordelingsregnskab) for Danish properties."""
__version__ = "0.1.0"
