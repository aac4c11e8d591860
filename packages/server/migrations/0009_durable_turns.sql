-- Turns that survive a restart. A task interrupted after its agent had answered something is
-- queued again to continue (resume_message_id: the assistant message it keeps writing into)
-- instead of failing; `resumes` bounds how often, so a turn that kills its server cannot loop.
ALTER TABLE tasks ADD COLUMN resume_message_id uuid REFERENCES messages(id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN resumes int NOT NULL DEFAULT 0;

-- The native agent's conversation of the running turn, rewritten after each model step: what a
-- continued turn starts from. Text, as turn_transcripts, so it replays byte for byte. The chars
-- columns say how much of the message those steps had said: what follows is said again.
CREATE TABLE turn_journals (
  task_id          uuid PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  messages         text NOT NULL,
  steps            int NOT NULL,
  content_chars    int NOT NULL,
  reasoning_chars  int NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
