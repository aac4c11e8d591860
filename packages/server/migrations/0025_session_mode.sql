-- The agent mode the user chose for a session (an ACP agent's `plan`, `yolo`...), applied to the
-- agent's session at its next turn; NULL: the mode follows the permission policy or the agent.
ALTER TABLE sessions ADD COLUMN mode text;
