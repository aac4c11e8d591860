import { z } from 'zod';
import { commaList, Id, PermissionPolicy, PolicySupport, storableText, Timestamp, Usage } from './common.js';
import { ImagePart } from './agent.js';

const name = z.string().trim().min(1, 'must not be empty').max(200).superRefine(storableText);
const limit = z.coerce.number().int().min(1).max(200).default(50);
/** Keyset cursors are opaque to clients but always a decimal position. */
const cursor = z.string().regex(/^\d{1,18}$/, 'must be a cursor returned by this API');

// ---- projects ----
export const Project = z.object({
  id: Id,
  name: z.string(),
  path: z.string(),
  created_at: Timestamp,
});
export type Project = z.infer<typeof Project>;

export const CreateProjectBody = z.object({
  path: z.string().min(1, 'must not be empty').superRefine(storableText),
  name: name.optional(),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

// ---- sessions ----
export const SessionStatus = z.enum(['open', 'archived']);
export type SessionStatus = z.infer<typeof SessionStatus>;

/**
 * What a session wants from its user until they look at it: a permission question waiting
 * (cleared by the answer), or a turn that finished or failed while nobody watched.
 */
export const SessionAttention = z.enum(['permission', 'finished', 'failed']);
export type SessionAttention = z.infer<typeof SessionAttention>;


export const Session = z.object({
  id: Id,
  project_id: Id,
  name: z.string(),
  agent: z.string(),
  model: z.string().nullable(),
  /** The agent mode chosen for the session (one the agent reported); null: the policy's or the agent's own. */
  mode: z.string().nullable().default(null),
  status: SessionStatus,
  permission_policy: PermissionPolicy,
  /** false: the agent works directly in the project directory. */
  isolated: z.boolean(),
  base_branch: z.string().nullable(),
  /** A background subagent finishing after its parent's turn ended starts a follow-up turn that hands over its result. */
  subagent_followup: z.boolean().default(true),
  /** Absent from older servers: nothing to look at. */
  attention: SessionAttention.nullable().default(null),
  /**
   * How far the agent follows the session's policy, as its last turn found; null before a turn, or
   * from older servers. It may name an earlier policy: it holds for the current one only when equal.
   */
  policy_support: PolicySupport.nullable().default(null),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Session = z.infer<typeof Session>;

export const CreateSessionBody = z.object({
  project_id: Id,
  name: name.optional(),
  agent: z.string().min(1).max(100).superRefine(storableText).default('native'),
  model: z.string().min(1).max(200).superRefine(storableText).nullable().optional(),
  permission_policy: PermissionPolicy.default('ask'),
  isolated: z.boolean().default(true),
  base_branch: z.string().min(1).max(250).superRefine(storableText).nullable().optional(),
});
export type CreateSessionBody = z.input<typeof CreateSessionBody>;

export const UpdateSessionBody = z
  .object({
    name: name.optional(),
    model: z.string().min(1).max(200).superRefine(storableText).nullable().optional(),
    /** One of the modes the session's agent reported; null goes back to the policy's or the agent's own. */
    mode: z.string().min(1).max(200).superRefine(storableText).nullable().optional(),
    agent: z.string().min(1).max(100).superRefine(storableText).optional(),
    permission_policy: PermissionPolicy.optional(),
    subagent_followup: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdateSessionBody = z.infer<typeof UpdateSessionBody>;

export const ListSessionsQuery = z.object({
  project_id: Id.optional(),
  status: SessionStatus.optional(),
  agent: z.string().min(1).max(100).optional(),
});

// ---- chats ----
export const Chat = z.object({
  id: Id,
  session_id: Id,
  name: z.string(),
  created_at: Timestamp,
});
export type Chat = z.infer<typeof Chat>;

export const CreateChatBody = z.object({ name: name.optional() });
export const RenameBody = z.object({ name });

// ---- messages ----
export const MessageRole = z.enum(['user', 'assistant', 'system']);
export const MessageStatus = z.enum(['streaming', 'complete', 'failed', 'cancelled']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Message = z.object({
  id: Id,
  chat_id: Id,
  session_id: Id,
  task_id: Id.nullable(),
  role: MessageRole,
  content: z.string(),
  reasoning: z.string(),
  status: MessageStatus,
  model: z.string().nullable(),
  turn: z.number().int().nullable(),
  usage: Usage,
  /** False when the agent reported no usage for this turn: `usage` is then unknown, not zero. */
  usage_reported: z.boolean().optional(),
  started_at: Timestamp,
  finished_at: Timestamp.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  /**
   * Seq of the last stream delta included in `content`/`reasoning` (streamed messages). A client
   * refetching a streaming message skips live deltas with a seq up to this one.
   */
  content_seq: z.number().int().nullable().optional(),
  /** Keyset cursor of this row, for `before`/`after`. */
  cursor: z.string(),
});
export type Message = z.infer<typeof Message>;

/**
 * `metadata.tool_offsets` of an assistant message: trace id -> length of the message text when
 * the call started, so a client draws each tool call where it happened within the text.
 */
export const ToolOffsets = z.record(z.string(), z.number().int().nonnegative());
export type ToolOffsets = z.infer<typeof ToolOffsets>;

/**
 * One of `metadata.notices` of an assistant message: something the agent told the user outside its
 * answer (a compaction, a warning), with where in the turn it came: `at` is the length of the
 * message text then and `tools` how many tool calls the turn had started, so a client draws it
 * between the steps it came between. Without them (older turns) it goes first.
 */
export const MessageNotice = z.object({
  severity: z.string(),
  title: z.string(),
  description: z.string().optional(),
  at: z.number().int().nonnegative().optional(),
  tools: z.number().int().nonnegative().optional(),
});
export type MessageNotice = z.infer<typeof MessageNotice>;

export const ListMessagesQuery = z
  .object({
    before: cursor.optional(),
    after: cursor.optional(),
    limit,
  })
  .refine((q) => !(q.before && q.after), { message: 'give either before or after, not both' });

export const MessagePage = z.object({
  items: z.array(Message),
  /** Cursor to pass as `before` for older messages; null when none are left. */
  prev_cursor: z.string().nullable(),
  /** Cursor to pass as `after` for newer messages; null when none are left. */
  next_cursor: z.string().nullable(),
});
export type MessagePage = z.infer<typeof MessagePage>;

export const PostMessageBody = z
  .object({
    content: z.string().max(1_000_000).superRefine(storableText).default(''),
    images: z.array(ImagePart).max(16).default([]),
    agent: z.string().min(1).max(100).superRefine(storableText).optional(),
    model: z.string().min(1).max(200).superRefine(storableText).optional(),
  })
  .refine((b) => b.content.trim().length > 0 || b.images.length > 0, {
    message: 'content must not be empty',
    path: ['content'],
  });
export type PostMessageBody = z.input<typeof PostMessageBody>;

// ---- tasks ----
export const TaskStatus = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const Task = z.object({
  id: Id,
  project_id: Id,
  session_id: Id.nullable(),
  chat_id: Id.nullable(),
  message_id: Id.nullable(),
  agent: z.string(),
  model: z.string().nullable(),
  status: TaskStatus,
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  error: z.string().nullable(),
  output_summary: z.string().nullable(),
  usage: Usage,
  created_at: Timestamp,
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
});
export type Task = z.infer<typeof Task>;

/** `GET /api/sessions/:id/tasks`: `status` lists the states to keep, e.g. `pending,running`. */
export const ListTasksQuery = z.object({
  status: commaList(TaskStatus).optional(),
  limit,
});

export const PostMessageResponse = z.object({ message: Message, task: Task });

/**
 * Starting again after a turn that failed, was interrupted or cancelled: `retry` posts its prompt
 * again (images included); `continue` asks the agent to carry on from where it stopped.
 */
export const RecoverAction = z.enum(['retry', 'continue']);
export type RecoverAction = z.infer<typeof RecoverAction>;
export const RecoverTurnBody = z.object({ action: RecoverAction });
export type RecoverTurnBody = z.infer<typeof RecoverTurnBody>;
export type PostMessageResponse = z.infer<typeof PostMessageResponse>;

