"""Distributed ingest: a procrastinate queue living in the store's own PostgreSQL.

    connection   the store's URL as a libpq conninfo; PostgreSQL-only guard
    schema       procrastinate's tables, applied by `newsnote db upgrade`
    politeness   cluster-wide per-host slots (PostgreSQL advisory locks)
    tasks        the procrastinate app and its tasks (ingest a URL, discover a source,
                 the scheduled discovery, stalled-job recovery)
    enqueue      putting URLs and sources on the queue
    worker       running a worker process

Everything here imports procrastinate and psycopg: import it lazily from the CLI.
"""
