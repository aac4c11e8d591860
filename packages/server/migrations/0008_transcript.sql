-- The native agent's exact conversation per turn (tool calls, tool results, reasoning, images),
-- replayed on the next turn so each request's prompt extends the previous one. Stored as text,
-- not jsonb: jsonb reorders object keys, and tool-call arguments must come back byte for byte.
CREATE TABLE turn_transcripts (
  message_id  uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  chat_id     uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  turn        int NOT NULL,
  messages    text NOT NULL
);
CREATE INDEX turn_transcripts_chat_turn ON turn_transcripts (chat_id, turn);
