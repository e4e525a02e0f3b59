"""One Store suite, run against every engine."""
