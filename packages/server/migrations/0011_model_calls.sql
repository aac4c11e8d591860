-- What the prompt cache saved on a turn (USD): the cached tokens at the uncached input price, less
-- what they cost. Null when the model has no price.
ALTER TABLE turn_usage ADD COLUMN saved double precision;

-- One row per model request of a turn: timing, the provider's usage, the prompt's segments as the
-- native agent's tokenizer counted them (null for agents that report totals only), and its price.
CREATE TABLE model_calls (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pos                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  session_id          uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_id             uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  message_id          uuid REFERENCES messages(id) ON DELETE SET NULL,
  task_id             uuid REFERENCES tasks(id) ON DELETE SET NULL,
  turn_number         int NOT NULL,
  step                int NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('step', 'compaction')),
  model               text NOT NULL,
  provider            text,
  input_tokens        int NOT NULL,
  no_cache_tokens     int NOT NULL,
  cache_read_tokens   int NOT NULL,
  cache_write_tokens  int NOT NULL,
  output_tokens       int NOT NULL,
  reasoning_tokens    int NOT NULL,
  segments            jsonb,
  tokenizer           text,
  cost                double precision,
  saved               double precision,
  started_at          timestamptz NOT NULL,
  first_token_at      timestamptz,
  finished_at         timestamptz NOT NULL
);
CREATE INDEX model_calls_chat ON model_calls (chat_id, pos);

-- A summary the model made of a chat's turns up to through_turn; later turns replay it instead of
-- those turns.
CREATE TABLE chat_compactions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_id       uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  message_id    uuid REFERENCES messages(id) ON DELETE SET NULL,
  through_turn  int NOT NULL,
  summary       text NOT NULL,
  tokens_before int NOT NULL,
  tokens_after  int NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_compactions_chat ON chat_compactions (chat_id, through_turn);
