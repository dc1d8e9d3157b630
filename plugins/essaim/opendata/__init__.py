"""Open data: the directory's records in the formats the ESS and French public-data ecosystems read."""
