-- Images of user messages, stored once by the SHA-256 of their bytes: the same screenshot posted
-- twice is one row, and messages and tasks hold only the hash. Kept in PostgreSQL with everything
-- else, so a backup or a move of the database carries them and any worker process can read them.
CREATE TABLE images (
  sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  mime_type  text NOT NULL,
  size       integer NOT NULL,
  data       bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Which messages show which images, in order: an image no row references is no longer needed.
CREATE TABLE message_images (
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  position   smallint NOT NULL,
  sha256     text NOT NULL REFERENCES images(sha256),
  PRIMARY KEY (message_id, position)
);
CREATE INDEX message_images_sha256 ON message_images (sha256);
