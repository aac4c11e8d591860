-- A subagent in its own worktree: the commit its worktree was cut from, so its diff (what the
-- child changed) is taken against it for as long as the worktree exists.
ALTER TABLE tasks
  ADD COLUMN subagent_base_commit text,
  -- W3C traceparent of the `execute_tool` span that spawned the child: its `invoke_agent` span
  -- starts under it whichever process runs it, also after a restart.
  ADD COLUMN traceparent text;

-- W3C traceparent of a tool call's `execute_tool` span, for the subagents the call spawns.
ALTER TABLE tool_traces ADD COLUMN traceparent text;
