"""Stories: the articles of one event across presses (issue #24).

`features` turns a stored article into the weighted terms it is matched on, `assign` puts
an article in the story it reports (or starts one), `digest` ranks and describes the
stories of a period. SQL stays in `storage.stories`; Kiwi is loaded only by `features`.
"""
