"""Contract tests: the adapters' requests checked against the providers' official API files."""
