import { z } from 'zod';

/**
 * zod schemas for the parts of opencode's HTTP API and `/event` stream this backend reads
 * (opencode-ai 1.18.x, `GET /doc` on a running server has the full OpenAPI document). Objects are
 * loose: opencode adds fields between releases and we only validate what we use.
 */

export const Envelope = z.looseObject({
  type: z.string(),
  properties: z.unknown().optional(),
});

const Time = z.looseObject({ start: z.number().optional(), end: z.number().optional() });
const Input = z.record(z.string(), z.unknown());

export const ToolState = z.discriminatedUnion('status', [
  z.looseObject({ status: z.literal('pending'), input: Input.default({}) }),
  z.looseObject({ status: z.literal('running'), input: Input.default({}), time: Time.optional() }),
  z.looseObject({
    status: z.literal('completed'),
    input: Input.default({}),
    output: z.string().default(''),
    time: Time.optional(),
  }),
  z.looseObject({
    status: z.literal('error'),
    input: Input.default({}),
    error: z.string().default('tool failed'),
    time: Time.optional(),
  }),
]);
export type ToolState = z.infer<typeof ToolState>;

const PartBase = { id: z.string(), sessionID: z.string(), messageID: z.string() };

export const TextPart = z.looseObject({
  ...PartBase,
  type: z.enum(['text', 'reasoning']),
  text: z.string().default(''),
  synthetic: z.boolean().optional(),
  ignored: z.boolean().optional(),
  time: Time.optional(),
});
export const ToolPart = z.looseObject({
  ...PartBase,
  type: z.literal('tool'),
  callID: z.string(),
  tool: z.string(),
  state: ToolState,
});
export const Tokens = z.looseObject({
  input: z.number().default(0),
  output: z.number().default(0),
  reasoning: z.number().default(0),
  cache: z.looseObject({ read: z.number().default(0), write: z.number().default(0) }).default({ read: 0, write: 0 }),
});
export type Tokens = z.infer<typeof Tokens>;
export const StepFinishPart = z.looseObject({
  ...PartBase,
  type: z.literal('step-finish'),
  reason: z.string().optional(),
  cost: z.number().default(0),
  tokens: Tokens,
});
/** Any other part (step-start, patch, file, snapshot, ...): only its identity is needed. */
export const OtherPart = z.looseObject({ ...PartBase, type: z.string() });

export type TextPart = z.infer<typeof TextPart>;
export type ToolPart = z.infer<typeof ToolPart>;
export type StepFinishPart = z.infer<typeof StepFinishPart>;
export type Part =
  | { kind: 'text'; part: TextPart }
  | { kind: 'tool'; part: ToolPart }
  | { kind: 'step-finish'; part: StepFinishPart }
  | { kind: 'other'; part: z.infer<typeof OtherPart> };

/** Parses a part by its `type`, so an unknown or malformed kind never hides the others. */
export function parsePart(raw: unknown): Part | null {
  const base = OtherPart.safeParse(raw);
  if (!base.success) return null;
  const type = base.data.type;
  if (type === 'text' || type === 'reasoning') {
    const p = TextPart.safeParse(raw);
    return p.success ? { kind: 'text', part: p.data } : null;
  }
  if (type === 'tool') {
    const p = ToolPart.safeParse(raw);
    return p.success ? { kind: 'tool', part: p.data } : null;
  }
  if (type === 'step-finish') {
    const p = StepFinishPart.safeParse(raw);
    return p.success ? { kind: 'step-finish', part: p.data } : null;
  }
  return { kind: 'other', part: base.data };
}

export const MessageError = z.looseObject({
  name: z.string(),
  data: z
    .looseObject({
      message: z.string().optional(),
      statusCode: z.number().optional(),
      isRetryable: z.boolean().optional(),
    })
    .optional(),
});
export type MessageError = z.infer<typeof MessageError>;

export const MessageInfo = z.looseObject({
  id: z.string(),
  sessionID: z.string(),
  role: z.enum(['user', 'assistant']),
  parentID: z.string().optional(),
  time: z.looseObject({ created: z.number(), completed: z.number().optional() }),
  error: MessageError.optional(),
  finish: z.string().optional(),
  modelID: z.string().optional(),
  providerID: z.string().optional(),
});
export type MessageInfo = z.infer<typeof MessageInfo>;

export const MessageWithParts = z.looseObject({ info: MessageInfo, parts: z.array(z.unknown()) });
export const MessageList = z.array(MessageWithParts);
export type MessageWithParts = z.infer<typeof MessageWithParts>;

export const SessionInfo = z.looseObject({ id: z.string(), directory: z.string().optional(), title: z.string().optional() });
export type SessionInfo = z.infer<typeof SessionInfo>;

/**
 * The title opencode gives a session created without one (`New session - <ISO time>`, or `Child
 * session - ...` for a subagent's): it stands until opencode's model has invented a real one.
 */
export function isPlaceholderTitle(title: string): boolean {
  return /^(New session|Child session) - \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(title);
}

export const SessionStatus = z.looseObject({
  type: z.enum(['idle', 'busy', 'retry']),
  attempt: z.number().optional(),
  message: z.string().optional(),
});
/** `GET /session/status`: busy/retrying sessions only; an absent session is idle. */
export const SessionStatusMap = z.record(z.string(), SessionStatus);

export const PermissionAsked = z.looseObject({
  id: z.string(),
  sessionID: z.string(),
  permission: z.string(),
  patterns: z.array(z.string()).default([]),
  metadata: z.record(z.string(), z.unknown()).default({}),
  always: z.array(z.string()).default([]),
  tool: z.looseObject({ messageID: z.string(), callID: z.string() }).optional(),
});
export type PermissionAsked = z.infer<typeof PermissionAsked>;

/** The session-scoped events the translator consumes, already validated. */
export type SessionEvent =
  | { type: 'message.updated'; sessionID: string; info: MessageInfo }
  | { type: 'message.part.updated'; sessionID: string; part: Part }
  | { type: 'message.part.delta'; sessionID: string; messageID: string; partID: string; field: string; delta: string }
  | { type: 'permission.asked'; sessionID: string; request: PermissionAsked }
  | { type: 'session.status'; sessionID: string; status: z.infer<typeof SessionStatus> }
  | { type: 'session.idle'; sessionID: string }
  | { type: 'session.error'; sessionID: string; error: MessageError | null }
  | { type: 'todo.updated'; sessionID: string; todos: z.infer<typeof Todo>[] }
  | { type: 'question.asked'; sessionID: string; id: string }
  | { type: 'session.updated'; sessionID: string; title: string };

const WithSession = z.looseObject({ sessionID: z.string() });
export const Todo = z.looseObject({
  content: z.string(),
  status: z.string(),
  priority: z.string().optional(),
});
const TodoUpdated = z.looseObject({ sessionID: z.string(), todos: z.array(Todo) });
const QuestionAsked = z.looseObject({ id: z.string(), sessionID: z.string() });
const MessageUpdated = z.looseObject({ info: MessageInfo });
const PartUpdated = z.looseObject({ part: z.unknown() });
const PartDelta = z.looseObject({
  sessionID: z.string(),
  messageID: z.string(),
  partID: z.string(),
  field: z.string(),
  delta: z.string(),
});
const StatusEvent = z.looseObject({ sessionID: z.string(), status: SessionStatus });
const ErrorEvent = z.looseObject({ sessionID: z.string().optional(), error: MessageError.optional() });
/** Sent on every change to the session (its title, model, summary, time): `info` is the whole session. */
const SessionUpdated = z.looseObject({ sessionID: z.string(), info: z.looseObject({ title: z.string() }) });

/**
 * Turns one `/event` payload into a SessionEvent, or null for events that are not about a
 * session (server.*, plugin.*, catalog.*, ...) or that fail validation.
 */
export function parseSessionEvent(type: string, properties: unknown): SessionEvent | null {
  switch (type) {
    case 'message.updated': {
      const p = MessageUpdated.safeParse(properties);
      return p.success ? { type, sessionID: p.data.info.sessionID, info: p.data.info } : null;
    }
    case 'message.part.updated': {
      const p = PartUpdated.safeParse(properties);
      const part = p.success ? parsePart(p.data.part) : null;
      return part ? { type, sessionID: part.part.sessionID, part } : null;
    }
    case 'message.part.delta': {
      const p = PartDelta.safeParse(properties);
      return p.success ? { type, ...p.data } : null;
    }
    case 'permission.asked': {
      const p = PermissionAsked.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID, request: p.data } : null;
    }
    case 'session.status': {
      const p = StatusEvent.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID, status: p.data.status } : null;
    }
    case 'session.idle': {
      const p = WithSession.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID } : null;
    }
    case 'session.error': {
      const p = ErrorEvent.safeParse(properties);
      // An error without a session id is a server-level problem; nothing to attribute it to.
      return p.success && p.data.sessionID
        ? { type, sessionID: p.data.sessionID, error: p.data.error ?? null }
        : null;
    }
    case 'todo.updated': {
      const p = TodoUpdated.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID, todos: p.data.todos } : null;
    }
    case 'question.asked': {
      const p = QuestionAsked.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID, id: p.data.id } : null;
    }
    case 'session.updated': {
      const p = SessionUpdated.safeParse(properties);
      return p.success ? { type, sessionID: p.data.sessionID, title: p.data.info.title } : null;
    }
    default:
      return null;
  }
}
