import type postgres from 'postgres';
import type {
  AgentEvent,
  AgentSessionState,
  DiffFile,
  DiffStats,
  Message,
  PermissionOption,
  PromptSegments,
  ToolTrace,
} from '@boocode/contracts';
import type { z } from 'zod';
import type { FileTouch } from '../git/collisions.js';
import type { TaskPart } from '../images/parts.js';
import type { Sql } from './connection.js';

/** A task's input column: the prompt parts and the chat turn they answer. */
export interface TaskInputColumn {
  parts: TaskPart[];
  turn: number;
  /** An isolated workflow agent's own worktree, where its turn runs instead of the session's. */
  cwd?: string;
}

/** Any JSON value, as `z.json()` validates it (an agent's free-form permission input). */
export type JsonValue = z.infer<z.ZodJSONSchema>;

type UsageEvent = Extract<AgentEvent, { type: 'usage' }>;

/** Everything stored in a jsonb column, by the contract type the column holds. */
export type JsonColumn =
  | Message['metadata']
  | TaskInputColumn
  | ToolTrace['tool_input']
  | AgentSessionState
  | PermissionOption[]
  | DiffFile[]
  | DiffStats
  | readonly FileTouch[]
  | UsageEvent['raw'][]
  | PromptSegments
  | JsonValue;

/**
 * A jsonb parameter. postgres.js types it with its own JSON type, which the contract types
 * (with their `unknown` members) do not satisfy although they are plain JSON; the one cast is here.
 */
export function jsonb(sql: Pick<Sql, 'json'>, value: JsonColumn): postgres.Parameter {
  return sql.json(value as postgres.JSONValue);
}
