-- What a session wants from its user, kept until it is seen so every browser (and a reload)
-- shows the same badge: a permission question waiting, or a turn that finished or failed unseen.
ALTER TABLE sessions ADD COLUMN attention text
  CHECK (attention IN ('permission', 'finished', 'failed'));
