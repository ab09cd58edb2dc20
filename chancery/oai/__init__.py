"""OAI-PMH 2.0 data provider: harvesters copy the archive's published records from /oai."""
