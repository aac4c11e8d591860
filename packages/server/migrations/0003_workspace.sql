-- Session workspaces: where each session's agent works, and its pending change.

CREATE TABLE session_worktrees (
  session_id   uuid PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  project_id   uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  path         text NOT NULL,
  branch       text,
  base_commit  text NOT NULL,
  isolated     boolean NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- One accumulating diff per session: each turn's diff supersedes the session's pending one.
CREATE TABLE pending_changes (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id   uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  project_id   uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  task_id      uuid REFERENCES tasks(id) ON DELETE SET NULL,
  agent        text NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected', 'merged')),
  base_commit  text NOT NULL,
  head         text,
  files        jsonb NOT NULL,
  stats        jsonb NOT NULL,
  patch        text NOT NULL,
  -- Per-file touched line ranges (base coordinates), so collisions are computed from the database.
  touches      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pending_changes_one_per_session ON pending_changes (session_id) WHERE status = 'pending';
CREATE INDEX pending_changes_project ON pending_changes (project_id, status);
