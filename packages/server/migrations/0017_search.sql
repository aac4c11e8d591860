-- Full-text search over message text and session names. Expression indexes rather than stored
-- tsvector columns: nothing to keep in step, and the rows stay as narrow as they were. The text is
-- cut at 200,000 characters because a tsvector holds at most 1 MB: a longer message must still save.
-- db/search.ts repeats these exact expressions so that the planner uses the indexes.
CREATE INDEX messages_search ON messages USING gin (to_tsvector('english'::regconfig, left(content, 200000)));
CREATE INDEX sessions_search ON sessions USING gin (to_tsvector('english'::regconfig, name));
