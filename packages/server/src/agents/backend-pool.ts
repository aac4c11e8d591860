import type { AgentBackend, AgentSessionHandle, EnsureSessionOpts, SessionKey } from '@boocode/contracts';
import type { Logger } from '../logger.js';

interface Entry {
  backend: AgentBackend;
  handle: AgentSessionHandle;
  fingerprint: string;
  busy: boolean;
  lastUsed: number;
}

export interface Lease {
  backend: AgentBackend;
  handle: AgentSessionHandle;
  fingerprint: string;
  /** true when the handle was created for this turn (a cold start). */
  fresh: boolean;
  release(): void;
}

const keyOf = (k: SessionKey) => `${k.chatId}\u0000${k.agent}`;

/** What makes a warm session unusable for a turn: another root, model, config or permission policy. */
export const fingerprintOf = (opts: EnsureSessionOpts) =>
  JSON.stringify([opts.root, opts.model, opts.config ?? null, opts.permissionPolicy ?? null]);

/**
 * Warm agent sessions keyed by (chat, agent). A busy one is never evicted; an idle one is closed
 * after `idleMs`, and re-created (resuming the agent's own session) on the next turn.
 */
export class BackendPool {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => void this.evictIdle(), Math.max(1_000, Math.min(idleMs, 60_000)));
    this.sweeper.unref();
  }

  async acquire(backend: AgentBackend, key: SessionKey, opts: EnsureSessionOpts): Promise<Lease> {
    const k = keyOf(key);
    const fingerprint = fingerprintOf(opts);
    let entry = this.entries.get(k);
    if (entry?.busy) throw new Error(`chat ${key.chatId} already has a turn running on ${key.agent}`);
    let fresh = false;
    if (!entry || entry.backend !== backend || entry.fingerprint !== fingerprint || !(await this.healthy(entry))) {
      if (entry) await this.close(k, entry);
      const handle = await backend.ensureSession(key, opts);
      entry = { backend, handle, fingerprint, busy: false, lastUsed: Date.now() };
      this.entries.set(k, entry);
      fresh = true;
    }
    const held = entry;
    held.busy = true;
    return {
      backend,
      handle: held.handle,
      fingerprint,
      fresh,
      release: () => {
        held.busy = false;
        held.lastUsed = Date.now();
      },
    };
  }

  /** This chat's session when the backend can tell, else the whole backend. A failing check counts as down. */
  private async healthy(entry: Entry): Promise<boolean> {
    const { backend, handle } = entry;
    try {
      const h = backend.sessionHealth ? await backend.sessionHealth(handle) : await backend.health();
      return h.status === 'up';
    } catch (err) {
      this.log.warn({ err, chat_id: handle.key.chatId, agent: handle.key.agent }, 'agent health check failed');
      return false;
    }
  }

  /**
   * The chats are finished (their session was archived): ends their warm agent sessions for good
   * (`closeSession`: ACP stops the process, Paseo archives its agent). Returns the handles closed.
   */
  async closeChatSessions(chatIds: readonly string[]): Promise<AgentSessionHandle[]> {
    const ids = new Set(chatIds);
    const closed: AgentSessionHandle[] = [];
    for (const [k, e] of [...this.entries]) {
      if (!ids.has(e.handle.key.chatId)) continue;
      this.entries.delete(k);
      await e.backend
        .closeSession(e.handle)
        .catch((err: unknown) => this.log.warn({ err, chat_id: e.handle.key.chatId, agent: e.handle.key.agent }, 'closing an agent session failed'));
      closed.push(e.handle);
    }
    return closed;
  }

  /** Forgets a session whose agent crashed, so the next turn starts it again. */
  async drop(key: SessionKey): Promise<void> {
    const k = keyOf(key);
    const entry = this.entries.get(k);
    if (entry) await this.close(k, entry);
  }

  /** Frees the warm resources but keeps the agent's own session resumable where the backend can. */
  private async close(k: string, entry: Entry): Promise<void> {
    this.entries.delete(k);
    const { backend, handle } = entry;
    const release = backend.releaseSession ? backend.releaseSession(handle) : backend.closeSession(handle);
    await release.catch((err: unknown) => this.log.warn({ err, chat_id: handle.key.chatId, agent: handle.key.agent }, 'releasing an agent session failed'));
  }

  async evictIdle(now = Date.now()): Promise<number> {
    let evicted = 0;
    for (const [k, e] of this.entries) {
      if (!e.busy && now - e.lastUsed >= this.idleMs) {
        await this.close(k, e);
        evicted++;
      }
    }
    return evicted;
  }

  get size(): number {
    return this.entries.size;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    for (const [k, e] of [...this.entries]) await this.close(k, e);
  }
}
