-- A native turn may compact its context while it runs. Its journal then records the compaction
-- (the summary replaces everything before the journaled messages), so a turn continued after a
-- restart replays what the model saw; and the stored compaction says it was made within its
-- `through_turn`, whose transcript (the steps after the summary) later turns still replay.
ALTER TABLE turn_journals ADD COLUMN compaction jsonb;
ALTER TABLE chat_compactions ADD COLUMN within_turn boolean NOT NULL DEFAULT false;
