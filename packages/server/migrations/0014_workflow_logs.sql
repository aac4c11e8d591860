-- A run's log() lines, stored so a reloaded page and `workflow logs` show what was logged before
-- they looked. `seq` numbers the lines of the run from 1; a run taken over replays its script
-- from the start and logs the same lines again under the same numbers, so they are not doubled.
-- Only the newest lines of a chatty run are kept (WORKFLOW_LOG_LIMIT).
CREATE TABLE workflow_logs (
  run_id   uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  seq      int NOT NULL,
  message  text NOT NULL,
  at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);

-- The most agent() calls the run may make, as set by the worker that runs it (null until one does).
ALTER TABLE workflow_runs ADD COLUMN agent_limit int;

-- A run's agents are priced from the turns of their tasks.
CREATE INDEX turn_usage_task ON turn_usage (task_id);
