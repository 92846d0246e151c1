-- Exactly one process writes (issue 16): the one whose row this is
-- (store/db/lease.ts). No row: nobody holds the lease. A holder that stops
-- beating its heart for the takeover timeout may be replaced.
-- Times are milliseconds since the Unix epoch.
CREATE TABLE writer_lease (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  holder       TEXT NOT NULL,    -- host:pid:random, unique per process start
  acquired_at  INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);

-- An ingest asked for by `wirefeed ingest --once` while another process
-- holds the lease: that writer runs it and records which run it was
-- (store/ingest-requests.ts). source_slug NULL: every enabled source.
CREATE TABLE ingest_requests (
  id           INTEGER PRIMARY KEY,
  source_slug  TEXT,
  requested_at INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER,
  run_id       INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL
);
CREATE INDEX ingest_requests_open ON ingest_requests (id) WHERE finished_at IS NULL;
