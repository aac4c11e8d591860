-- The stream seq of the last delta included in a message's stored content/reasoning, so a client
-- that refetches a streaming message knows exactly which live deltas it already holds.
ALTER TABLE messages ADD COLUMN content_seq bigint;
