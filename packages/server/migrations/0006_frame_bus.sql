-- The frame bus over LISTEN/NOTIFY. `frame_streams` holds each stream's latest seq (a session id,
-- or 'user'): stamping a frame increments it in the statement that NOTIFYs the frame, so the row
-- lock orders the commits and every listener receives a stream's frames in seq order.
-- Both tables are UNLOGGED: their commits wait for no WAL flush (one per published batch), and a
-- crash of the database empties them, after which a stream starts again from the clock, above
-- every seq handed out before, and listeners see the jump and restart their replay buffers.
CREATE UNLOGGED TABLE frame_streams (
  stream text PRIMARY KEY,
  seq bigint NOT NULL
);

-- Frames too large for a NOTIFY payload travel by pointer: stored here, their id notified, fetched
-- by each listener and deleted after a minute.
CREATE UNLOGGED TABLE frame_bodies (
  id bigserial PRIMARY KEY,
  data text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX frame_bodies_created_at ON frame_bodies (created_at);
