-- Message search reads a stored tsvector instead of parsing the text again: the newest messages a
-- search looks at first and the GIN index are both answered from the column. It is NULL while the
-- message streams: each appended delta would otherwise parse the whole text again and add its
-- words to the index; the vector is written once, when the message completes, fails or is
-- cancelled. The text is cut at 200,000 characters because a tsvector holds at most 1 MB.
-- The old expression index goes first, so the table rewrite does not parse every message twice.
DROP INDEX messages_search;
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
  CASE WHEN status = 'streaming' THEN NULL ELSE to_tsvector('english'::regconfig, left(content, 200000)) END
) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
