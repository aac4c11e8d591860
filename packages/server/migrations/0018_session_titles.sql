-- Who named a session: 'placeholder' (BooCode's stand-in), 'prompt' (its first prompt), 'agent' (a
-- title the agent reported) or 'user'. An automatic title never replaces the user's name, and the
-- first prompt's title only the placeholder.
ALTER TABLE sessions ADD COLUMN name_source text NOT NULL DEFAULT 'user'
  CHECK (name_source IN ('placeholder', 'prompt', 'agent', 'user'));
