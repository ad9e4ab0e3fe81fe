"""The `newsnote` command line. Each command lives in its own module; none imports the
tokenizer at import time, so `--help` and reports start fast."""
