"""The SQL store: typed models, engine set-up, idempotent saves and reports.

Imports neither `scrapers` nor `pipeline`: what it saves is described structurally in
`storage.inputs`, which the values of those packages satisfy.
"""
