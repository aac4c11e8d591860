-- The turn runner's records: tool traces (every backend), per-turn usage, the agents' own
-- sessions (resume tokens), and permission requests.

CREATE TABLE tool_traces (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Keyset cursor: total order by insertion, which within a chat is (turn, start) order.
  pos               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  session_id        uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_id           uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  message_id        uuid REFERENCES messages(id) ON DELETE SET NULL,
  task_id           uuid REFERENCES tasks(id) ON DELETE SET NULL,
  turn_number       int NOT NULL,
  tool_call_id      text NOT NULL,
  tool_name         text NOT NULL,
  tool_input        jsonb NOT NULL DEFAULT '{}'::jsonb,
  tool_output       text,
  started_at        timestamptz NOT NULL,
  finished_at       timestamptz,
  latency_ms        int,
  tokens_used       int,
  cache_tokens      int,
  reasoning_tokens  int,
  error             text,
  outcome           text CHECK (outcome IN ('running', 'success', 'error', 'cancelled')),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tool_traces_chat ON tool_traces (chat_id, turn_number, started_at, pos);
CREATE INDEX tool_traces_chat_pos ON tool_traces (chat_id, pos);
CREATE INDEX tool_traces_task ON tool_traces (task_id);

CREATE TABLE turn_usage (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id          uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_id             uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  message_id          uuid REFERENCES messages(id) ON DELETE SET NULL,
  task_id             uuid REFERENCES tasks(id) ON DELETE SET NULL,
  turn_number         int NOT NULL,
  agent               text NOT NULL,
  model               text,
  provider            text,
  input_tokens        int NOT NULL DEFAULT 0,
  no_cache_tokens     int NOT NULL DEFAULT 0,
  cache_read_tokens   int NOT NULL DEFAULT 0,
  cache_write_tokens  int NOT NULL DEFAULT 0,
  output_tokens       int NOT NULL DEFAULT 0,
  reasoning_tokens    int NOT NULL DEFAULT 0,
  cost                double precision,
  steps               int NOT NULL DEFAULT 0,
  tool_calls          int NOT NULL DEFAULT 0,
  raw                 jsonb NOT NULL DEFAULT '[]'::jsonb,
  latency_ms          int,
  ttft_ms             int,
  started_at          timestamptz NOT NULL,
  finished_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX turn_usage_chat ON turn_usage (chat_id, turn_number);

CREATE TABLE agent_sessions (
  chat_id             uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  agent               text NOT NULL,
  backend             text NOT NULL,
  resume_token        text,
  config_fingerprint  text,
  status              text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'busy', 'closed', 'crashed')),
  root                text,
  last_active_at      timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat_id, agent)
);

CREATE TABLE permissions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id      uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_id         uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  message_id      uuid REFERENCES messages(id) ON DELETE SET NULL,
  task_id         uuid REFERENCES tasks(id) ON DELETE CASCADE,
  agent_request_id text NOT NULL,
  tool_call_id    text,
  title           text NOT NULL,
  kind            text,
  input           jsonb,
  options         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'answered', 'cancelled')),
  decision        text,
  option_id       text,
  decided_by      text CHECK (decided_by IN ('user', 'policy', 'cancelled')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  answered_at     timestamptz
);
CREATE INDEX permissions_session ON permissions (session_id, status);
