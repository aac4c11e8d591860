-- Dispatch in fewer round trips.

-- A chat counts its user turns, so posting a message numbers its turn in the same statement that
-- stores it: the UPDATE's row lock orders concurrent posts to one chat.
ALTER TABLE chats ADD COLUMN user_turns int NOT NULL DEFAULT 0;
UPDATE chats c SET user_turns = (SELECT count(*) FROM messages m WHERE m.chat_id = c.id AND m.role = 'user');

-- The claim's "oldest pending task of its session" check, without scanning the session's history
-- or every pending task created before it.
CREATE INDEX tasks_pending_session ON tasks (session_id, created_at, id) WHERE status = 'pending';
