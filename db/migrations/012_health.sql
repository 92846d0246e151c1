-- One row that the serving process rewrites every few seconds
-- (store/health.ts): a write off the request path whose success or failure
-- (a full disk, an I/O error, a read-only file) /readyz reports.
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  beat_at INTEGER NOT NULL
);
