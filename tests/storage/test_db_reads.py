"""Read transactions (`for_reads`) on SQLite do not queue behind a writer."""

from __future__ import annotations

import threading

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from storage import db as storage_db
from storage import models as m

DEADLOCK_GUARD_S = 30  # a reader that waited for the writer would wait 60 s (busy timeout)


def test_reader_sees_committed_rows_while_a_writer_holds_its_transaction(
    sqlite_url: str,
) -> None:
    engine = storage_db.make_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        session.execute(insert(m.Press).values(name="한국경제"))
    counts: list[int] = []

    def read() -> None:
        with Session(storage_db.for_reads(engine)) as reader:
            counts.append(reader.execute(select(func.count()).select_from(m.Press)).scalar_one())

    with Session(engine) as writer, writer.begin():  # holds SQLite's write lock
        writer.execute(insert(m.Press).values(name="연합뉴스"))
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(DEADLOCK_GUARD_S)
        assert not thread.is_alive(), "the reader waited for the writer"
    assert counts == [1]  # the uncommitted row is not seen
    engine.dispose()
