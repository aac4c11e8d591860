import { z } from 'zod';
import type {
  Permission,
  PermissionDecision,
  PermissionOption,
  PermissionOutcome,
  PermissionPolicy,
  PermissionRequestData,
} from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import {
  answerPermission,
  cancelPermissions,
  getPermission,
  insertPermission,
  listAllPermissions,
  listPermissions,
  notifyPermissionAnswered,
  PERMISSION_CHANNEL,
} from '../db/permissions.js';
import { permissionSettled, updateAttention } from '../stream/attention.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';

interface Waiting {
  sessionId: string;
  projectId: string;
  chatId: string;
  taskId: string;
  options: PermissionOption[];
  respond: (o: PermissionOutcome) => void;
}

/** The agent's tool input is kept with the request; agents send JSON, anything else is not kept. */
const ToolInput = z.json();

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
    const input = ToolInput.safeParse(req.input ?? null);
    const { id } = await insertPermission(this.sql, {
      sessionId: ctx.sessionId,
      chatId: ctx.chatId,
      messageId: ctx.messageId,
      taskId: ctx.taskId,
      request: req,
      input: input.success ? input.data : null,
    });
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
      await updateAttention(this.sql, this.broker, ctx.sessionId, 'permission');
    }
  }

  /** Records the decision once; the worker holding the turn delivers it. Null when not pending. */
  async answer(id: string, decision: PermissionDecision, by: 'user' | 'policy'): Promise<Permission | null> {
    const answered = await answerPermission(this.sql, id, decision, by);
    if (!answered) return null;
    if (this.waiting.has(id)) await this.deliver(id);
    else await notifyPermissionAnswered(this.sql, id);
    return answered;
  }

  private async deliver(id: string): Promise<void> {
    const w = this.waiting.get(id);
    if (!w) return;
    const row = await getPermission(this.sql, id);
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
    await permissionSettled(this.sql, this.broker, w.sessionId);
  }

  /** Cancels every request still waiting for a task (its turn ended or was cancelled). */
  async cancelForTask(taskId: string): Promise<void> {
    const ids = [...this.waiting].filter(([, w]) => w.taskId === taskId).map(([id]) => id);
    if (ids.length === 0) return;
    await cancelPermissions(this.sql, ids);
    for (const id of ids) await this.deliver(id);
  }

  get(id: string): Promise<Permission | null> {
    return getPermission(this.sql, id);
  }

  list(sessionId: string, status?: Permission['status']): Promise<Permission[]> {
    return listPermissions(this.sql, sessionId, status);
  }

  listAll(q: { status?: Permission['status']; limit: number }): Promise<Permission[]> {
    return listAllPermissions(this.sql, q);
  }
}
