-- Core domain: projects, sessions, chats, tasks (the durable queue), messages.

CREATE TABLE projects (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  path        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id         uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name               text NOT NULL,
  agent              text NOT NULL DEFAULT 'native',
  model              text,
  status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'archived')),
  permission_policy  text NOT NULL DEFAULT 'ask' CHECK (permission_policy IN ('ask', 'allow_edits', 'allow_all')),
  isolated           boolean NOT NULL DEFAULT true,
  base_branch        text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_project ON sessions (project_id, created_at);

CREATE TABLE chats (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id  uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chats_session ON chats (session_id, created_at);

CREATE TABLE tasks (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id          uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  session_id          uuid REFERENCES sessions(id) ON DELETE CASCADE,
  chat_id             uuid REFERENCES chats(id) ON DELETE CASCADE,
  -- The user message that asked for this turn.
  message_id          uuid,
  kind                text NOT NULL DEFAULT 'turn',
  agent               text NOT NULL,
  model               text,
  input               jsonb NOT NULL,
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out')),
  attempts            int NOT NULL DEFAULT 0,
  max_attempts        int NOT NULL DEFAULT 3,
  run_after           timestamptz NOT NULL DEFAULT now(),
  -- Lease: the worker holding the task renews lease_expires_at by heartbeat; an expired
  -- lease means the worker died and the task is recovered by another.
  lease_owner         text,
  lease_expires_at    timestamptz,
  heartbeat_at        timestamptz,
  cancel_requested    boolean NOT NULL DEFAULT false,
  error               text,
  output_summary      text,
  input_tokens        int NOT NULL DEFAULT 0,
  no_cache_tokens     int NOT NULL DEFAULT 0,
  cache_read_tokens   int NOT NULL DEFAULT 0,
  cache_write_tokens  int NOT NULL DEFAULT 0,
  output_tokens       int NOT NULL DEFAULT 0,
  reasoning_tokens    int NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  finished_at         timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_pending ON tasks (created_at) WHERE status = 'pending';
CREATE INDEX tasks_running_lease ON tasks (lease_expires_at) WHERE status = 'running';
CREATE INDEX tasks_session ON tasks (session_id, created_at);
-- One running turn per session, enforced by the database itself, whatever the workers do.
CREATE UNIQUE INDEX tasks_one_running_per_session ON tasks (session_id) WHERE status = 'running';

CREATE FUNCTION boocode_notify_task() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('boocode_tasks', NEW.id::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER tasks_notify_insert AFTER INSERT ON tasks
  FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION boocode_notify_task();

CREATE TABLE messages (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Total order within the database; the keyset cursor of the messages API.
  pos                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  chat_id             uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  session_id          uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  task_id             uuid REFERENCES tasks(id) ON DELETE SET NULL,
  role                text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content             text NOT NULL DEFAULT '',
  reasoning           text NOT NULL DEFAULT '',
  status              text NOT NULL CHECK (status IN ('streaming', 'complete', 'failed', 'cancelled')),
  model               text,
  turn                int,
  input_tokens        int NOT NULL DEFAULT 0,
  no_cache_tokens     int NOT NULL DEFAULT 0,
  cache_read_tokens   int NOT NULL DEFAULT 0,
  cache_write_tokens  int NOT NULL DEFAULT 0,
  output_tokens       int NOT NULL DEFAULT 0,
  reasoning_tokens    int NOT NULL DEFAULT 0,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  metadata            jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX messages_chat_pos ON messages (chat_id, pos);

ALTER TABLE tasks ADD CONSTRAINT tasks_message_fk FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE SET NULL;
