-- The W3C traceparent of a workflow run's current `invoke_workflow` span: the turns of its agents
-- start under it whichever process runs them, and a run taken over after a restart continues its trace.
ALTER TABLE workflow_runs ADD COLUMN traceparent text;
