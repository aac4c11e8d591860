-- Background subagents: a child is a task of its parent's session, in a chat of its own, spawned by
-- a running turn (its parent task). Children run next to their parent and to each other, as a
-- workflow's agents do, so the rule of one running turn per session leaves them out.

ALTER TABLE tasks
  ADD COLUMN parent_task_id uuid REFERENCES tasks(id) ON DELETE SET NULL,
  ADD COLUMN subagent_label text,
  -- 0 for a session's own turns; a child is one deeper than its parent.
  ADD COLUMN subagent_depth int NOT NULL DEFAULT 0,
  -- The id of the child's own worktree directory (next to the session's), while it may exist.
  ADD COLUMN subagent_worktree text,
  -- The spawning tool call, so traces nest the child's turn under it.
  ADD COLUMN spawn_tool_call_id text,
  -- The parent learned the result: it collected it, or a notice told its session.
  ADD COLUMN subagent_delivered boolean NOT NULL DEFAULT false;
CREATE INDEX tasks_parent ON tasks (parent_task_id, created_at) WHERE parent_task_id IS NOT NULL;

DROP INDEX tasks_one_running_per_session;
CREATE UNIQUE INDEX tasks_one_running_per_session ON tasks (session_id)
  WHERE status = 'running' AND workflow_run_id IS NULL AND parent_task_id IS NULL;

-- A child's end wakes whoever waits for it (subagent_result with wait_seconds), whichever process
-- ran it, on the channel that already carries the end of a workflow's agents.
CREATE TRIGGER tasks_notify_child_end AFTER UPDATE OF status ON tasks
  FOR EACH ROW WHEN (NEW.parent_task_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status
                     AND NEW.status IN ('completed', 'failed', 'cancelled', 'timed_out'))
  EXECUTE FUNCTION boocode_notify_workflow_task();

-- A child finishing after its parent's turn ended starts a follow-up turn that hands the parent
-- its result (on by default).
ALTER TABLE sessions ADD COLUMN subagent_followup boolean NOT NULL DEFAULT true;
