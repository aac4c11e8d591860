import type {
  Permission,
  PermissionDecision,
  PermissionOption,
  PermissionOutcome,
  PermissionPolicy,
  PermissionRequestData,
} from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import { iso, isoOrNull } from '../db/rows.js';

export const PERMISSION_CHANNEL = 'boocode_permission';

interface Waiting {
  sessionId: string;
  projectId: string;
  chatId: string;
  taskId: string;
  options: PermissionOption[];
  respond: (o: PermissionOutcome) => void;
}

interface PermissionRow {
  id: string;
  session_id: string;
  chat_id: string;
  message_id: string | null;
  task_id: string | null;
  tool_call_id: string | null;
  title: string;
  kind: string | null;
  options: PermissionOption[];
  status: Permission['status'];
  decision: string | null;
  decided_by: Permission['decided_by'];
  created_at: Date;
  answered_at: Date | null;
}

export const toPermission = (r: PermissionRow): Permission => ({
  id: r.id,
  session_id: r.session_id,
  chat_id: r.chat_id,
  message_id: r.message_id,
  task_id: r.task_id,
  tool_call_id: r.tool_call_id,
  title: r.title,
  kind: r.kind,
  options: r.options,
  status: r.status,
  decision: r.decision,
  decided_by: r.decided_by,
  created_at: iso(r.created_at),
  answered_at: isoOrNull(r.answered_at),
});

const EDIT_KINDS = new Set(['edit', 'write', 'delete', 'move', 'patch']);

/** Picks the agent's option that carries out a decision, falling back to the nearest kind. */
export function optionFor(options: PermissionOption[], decision: PermissionDecision): PermissionOption | undefined {
  const order =
    decision === 'allow_once' ? ['allow_once', 'allow_always'] : decision === 'allow_always' ? ['allow_always', 'allow_once'] : ['reject_once', 'reject_always'];
  for (const kind of order) {
    const hit = options.find((o) => o.kind === kind);
    if (hit) return hit;
  }
  return undefined;
}

/** What the session's policy decides by itself, or null to ask the user. */
export function policyDecision(policy: PermissionPolicy, kind: string | null): PermissionDecision | null {
  if (policy === 'allow_all') return 'allow_once';
  if (policy === 'allow_edits' && kind && EDIT_KINDS.has(kind)) return 'allow_once';
  return null;
}

/**
 * Permission requests from any backend: stored, published, answered by policy or by the user
 * (`POST /api/permissions/:id`, possibly on another server sharing the database, hence NOTIFY),
 * or cancelled with their turn. A waiting request blocks only its own turn.
 */
export class PermissionCenter {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly sql: Sql,
    private readonly broker: Broker,
    private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    await this.sql.listen(PERMISSION_CHANNEL, (id) => {
      this.deliver(id).catch((err: unknown) => this.log.error({ err, permission_id: id }, 'delivering a permission answer failed'));
    });
  }

  get pendingCount(): number {
    return this.waiting.size;
  }

  async request(
    ctx: { sessionId: string; projectId: string; chatId: string; messageId: string; taskId: string; policy: PermissionPolicy },
    req: PermissionRequestData,
    respond: (o: PermissionOutcome) => void,
  ): Promise<void> {
    const [row] = await this.sql<PermissionRow[]>`
      INSERT INTO permissions (session_id, chat_id, message_id, task_id, agent_request_id, tool_call_id, title, kind, input, options)
      VALUES (${ctx.sessionId}, ${ctx.chatId}, ${ctx.messageId}, ${ctx.taskId}, ${req.id}, ${req.tool_call_id}, ${req.title},
              ${req.kind}, ${this.sql.json((req.input ?? null) as never)}, ${this.sql.json(req.options as never)})
      RETURNING *`;
    const id = row!.id;
    this.waiting.set(id, { sessionId: ctx.sessionId, projectId: ctx.projectId, chatId: ctx.chatId, taskId: ctx.taskId, options: req.options, respond });
    this.broker.publish(ctx.sessionId, {
      type: 'permission_request',
      chat_id: ctx.chatId,
      message_id: ctx.messageId,
      permission_id: id,
      tool_call_id: req.tool_call_id,
      title: req.title,
      kind: req.kind,
      options: req.options,
    });
    const auto = policyDecision(ctx.policy, req.kind);
    if (auto) await this.answer(id, auto, 'policy');
    else {
      this.log.info({ session_id: ctx.sessionId, task_id: ctx.taskId, permission_id: id }, 'waiting for a permission answer');
      this.broker.publishUser({ type: 'session_activity', session_id: ctx.sessionId, project_id: ctx.projectId, activity: 'awaiting_permission' });
    }
  }

  /** Records the decision once; the worker holding the turn delivers it. Null when not pending. */
  async answer(id: string, decision: PermissionDecision, by: 'user' | 'policy'): Promise<Permission | null> {
    const rows = await this.sql<PermissionRow[]>`
      UPDATE permissions SET status = 'answered', decision = ${decision}, decided_by = ${by}, answered_at = now()
      WHERE id = ${id} AND status = 'pending' RETURNING *`;
    if (!rows[0]) return null;
    if (this.waiting.has(id)) await this.deliver(id);
    else await this.sql`SELECT pg_notify(${PERMISSION_CHANNEL}, ${id})`;
    return toPermission(rows[0]);
  }

  private async deliver(id: string): Promise<void> {
    const w = this.waiting.get(id);
    if (!w) return;
    const [row] = await this.sql<PermissionRow[]>`SELECT * FROM permissions WHERE id = ${id}`;
    if (!row || row.status === 'pending') return;
    this.waiting.delete(id);
    const option = row.decision ? optionFor(w.options, row.decision as PermissionDecision) : undefined;
    w.respond(option ? { outcome: 'selected', option_id: option.id, kind: option.kind } : { outcome: 'cancelled' });
    this.broker.publish(w.sessionId, {
      type: 'permission_resolved',
      chat_id: w.chatId,
      permission_id: id,
      outcome: row.decision ?? 'cancelled',
      decided_by: row.decided_by ?? 'cancelled',
    });
    if (row.decided_by === 'user' && ![...this.waiting.values()].some((o) => o.sessionId === w.sessionId)) {
      this.broker.publishUser({ type: 'session_activity', session_id: w.sessionId, project_id: w.projectId, activity: 'running' });
    }
  }

  /** Cancels every request still waiting for a task (its turn ended or was cancelled). */
  async cancelForTask(taskId: string): Promise<void> {
    const ids = [...this.waiting].filter(([, w]) => w.taskId === taskId).map(([id]) => id);
    if (ids.length === 0) return;
    await this.sql`
      UPDATE permissions SET status = 'cancelled', decided_by = 'cancelled', answered_at = now()
      WHERE id = ANY(${ids}::uuid[]) AND status = 'pending'`;
    for (const id of ids) await this.deliver(id);
  }

  async get(id: string): Promise<Permission | null> {
    const rows = await this.sql<PermissionRow[]>`SELECT * FROM permissions WHERE id = ${id}`;
    return rows[0] ? toPermission(rows[0]) : null;
  }

  async list(sessionId: string, status?: Permission['status']): Promise<Permission[]> {
    const rows = await this.sql<PermissionRow[]>`
      SELECT * FROM permissions WHERE session_id = ${sessionId}
        AND (${status ?? null}::text IS NULL OR status = ${status ?? null}::text)
      ORDER BY created_at`;
    return rows.map(toPermission);
  }

  /** Every session's requests, newest first. */
  async listAll(q: { status?: Permission['status']; limit: number }): Promise<Permission[]> {
    const rows = await this.sql<PermissionRow[]>`
      SELECT * FROM permissions WHERE (${q.status ?? null}::text IS NULL OR status = ${q.status ?? null}::text)
      ORDER BY created_at DESC, id DESC
      LIMIT ${q.limit}`;
    return rows.map(toPermission);
  }
}
