-- What an agent last reported about its session (title, settings, commands, mode, context use),
-- kept between turns so a client that connects later still sees it (GET /api/chats/:id/agent-sessions).
ALTER TABLE agent_sessions ADD COLUMN state jsonb NOT NULL DEFAULT '{}'::jsonb;
