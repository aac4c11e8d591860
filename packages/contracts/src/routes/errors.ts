import { z } from 'zod';
import { GitErrorCode } from '../git.js';
import { TerminalErrorCode } from '../terminals.js';

/**
 * Every `error` code the server answers with. The HTTP status of each is fixed (one code, one
 * status), so a client can branch on the code alone.
 */
export const ErrorCode = z.enum([
  // Any route.
  'internal',
  'unauthorized',
  'forbidden_host',
  // Validation: a malformed id is a `not_found` like any unknown id.
  'not_found',
  'invalid_request',
  'payload_too_large',
  'unsupported_media_type',
  // WebSocket upgrades from a page on another origin.
  'forbidden_origin',
  'invalid_login_code',
  // A project path that is already registered.
  'conflict',
  'session_archived',
  'already_resolved',
  // Review actions.
  'turn_running',
  'no_worktree',
  'no_pending_change',
  'change_not_pending',
  'merge_conflict',
  // Workflows: a script that cannot run (details: line and column, or the meta field), and a
  // server whose Node cannot load the sandbox.
  'invalid_workflow',
  'workflows_unavailable',
  // Spawning a background subagent past a limit (how many at once, in all, how deep).
  'subagent_limit',
  // Agents: one not usable here, one that could not list its models, a setting it cannot take.
  'agent_unavailable',
  'models_unavailable',
  'setting_unsupported',
  ...GitErrorCode.options,
  ...TerminalErrorCode.options,
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Body of every error response. `message` names the field or thing at fault. */
export const ErrorBody = z.object({
  error: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
