-- Whether the agent reported any usage for the turn. Some agents report none at all; their turns
-- keep zero counts with this false, so readers show "not reported" instead of a real zero and
-- totals say how many turns they leave out.
ALTER TABLE messages ADD COLUMN usage_reported boolean NOT NULL DEFAULT true;
ALTER TABLE turn_usage ADD COLUMN usage_reported boolean NOT NULL DEFAULT true;
