-- How far the session's agent follows its permission policy, as its last turn found it:
-- {policy, level: 'full' | 'partial' | 'none', reason}. NULL until a turn has run.
ALTER TABLE sessions ADD COLUMN policy_support jsonb;
