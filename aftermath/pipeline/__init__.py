"""Building the database: derived tables in dependency order, and the atomic swap."""
