-- false while a session's name is one BooCode made up: its first prompt gives it a title instead.
ALTER TABLE sessions ADD COLUMN named boolean NOT NULL DEFAULT true;
