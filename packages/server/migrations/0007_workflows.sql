-- Workflow runs and their journal. A run is claimed by one worker at a time through a lease, as a
-- task is: a run whose worker died (lease expired) is taken over by another, which replays the
-- script against the journal instead of running finished agents again.

CREATE TABLE workflow_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id          uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  session_id          uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name                text NOT NULL,
  source              text NOT NULL CHECK (source IN ('project', 'claude', 'home', 'builtin', 'script')),
  -- The file's text as it was at launch: a run taken over after a crash runs the same script.
  script              text NOT NULL,
  -- SQL NULL: launched without args (undefined in the script); JSON null is 'null'.
  args                jsonb,
  budget              int,
  resume_from         uuid REFERENCES workflow_runs(id) ON DELETE SET NULL,
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  result              jsonb,
  error               text,
  phase               text,
  cancel_requested    boolean NOT NULL DEFAULT false,
  lease_owner         text,
  lease_expires_at    timestamptz,
  heartbeat_at        timestamptz,
  -- How many times a worker took the run (more than one: it continued after a lost worker).
  attempts            int NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  finished_at         timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_runs_session ON workflow_runs (session_id, created_at);
CREATE INDEX workflow_runs_open ON workflow_runs (created_at) WHERE status IN ('pending', 'running');

-- One row per agent() call, keyed by its start position: the journal entry and the step's result
-- are this one row, so they are written together. `seq` is null while the call runs. A run's
-- usage is the sum of its steps that were not cached.
CREATE TABLE workflow_steps (
  run_id              uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  position            int NOT NULL,
  key                 text NOT NULL,
  seq                 int,
  status              text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  cached              boolean NOT NULL DEFAULT false,
  attempts            int NOT NULL DEFAULT 0,
  task_id             uuid REFERENCES tasks(id) ON DELETE SET NULL,
  label               text,
  phase               text,
  prompt              text NOT NULL DEFAULT '',
  result              jsonb,
  error               text,
  ref                 text,
  -- An isolated agent's own worktree: set while it exists (so the sweep leaves it alone), with
  -- the agent's diff once it is kept.
  worktree            jsonb,
  input_tokens        int NOT NULL DEFAULT 0,
  no_cache_tokens     int NOT NULL DEFAULT 0,
  cache_read_tokens   int NOT NULL DEFAULT 0,
  cache_write_tokens  int NOT NULL DEFAULT 0,
  output_tokens       int NOT NULL DEFAULT 0,
  reasoning_tokens    int NOT NULL DEFAULT 0,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  PRIMARY KEY (run_id, position)
);

-- An agent() call's tasks (one per attempt) belong to its run, so a worker that takes the run over
-- finds the task a call already has instead of queueing it again.
ALTER TABLE tasks
  ADD COLUMN workflow_run_id uuid REFERENCES workflow_runs(id) ON DELETE CASCADE,
  ADD COLUMN workflow_position int,
  ADD COLUMN workflow_attempt int;
CREATE INDEX tasks_workflow_call ON tasks (workflow_run_id, workflow_position, workflow_attempt) WHERE workflow_run_id IS NOT NULL;

-- A run's agents share the session's worktree and run concurrently, as in Claude Code: the rule
-- of one running turn per session is for the session's own turns.
DROP INDEX tasks_one_running_per_session;
CREATE UNIQUE INDEX tasks_one_running_per_session ON tasks (session_id) WHERE status = 'running' AND workflow_run_id IS NULL;

-- Wakes the worker waiting for an agent() call's task, whichever process ran it.
CREATE FUNCTION boocode_notify_workflow_task() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('boocode_workflow_tasks', NEW.id::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER tasks_notify_workflow_end AFTER UPDATE OF status ON tasks
  FOR EACH ROW WHEN (NEW.workflow_run_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status
                     AND NEW.status IN ('completed', 'failed', 'cancelled', 'timed_out'))
  EXECUTE FUNCTION boocode_notify_workflow_task();

-- Wakes the workers when a run is queued.
CREATE FUNCTION boocode_notify_workflow_run() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('boocode_workflow_runs', NEW.id::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER workflow_runs_notify_insert AFTER INSERT ON workflow_runs
  FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION boocode_notify_workflow_run();
