import {
  type SessionFrame,
  type ChatAgentSessionsResponse,
  type Chat,
  type ChatList,
  type MessagePage,
  type PendingChange,
  type Permission,
  type PermissionDecision,
  type ProjectCollisions,
  type Session,
  type Task,
  type TracePage,
  type UsageSummary,
} from '@boocode/contracts';
import {
  ApiClientError,
  backoffDelay,
  errorText,
  FrameSocket,
  sessionFrames,
  sessionStreamPath,
  streamUrl,
  type SocketStatus,
  type Timers,
  type WebSocketLike,
} from '@boocode/client';
import { applyFrames } from './applyFrames';
import { collisionsOf, permissionFromApi, toolCallFromTrace } from './fromApi';
import { dropSeamOverlap, mergeLatestPage, prependOlderPage } from './history';
import { emptySessionState, traceKey, type SessionState, type TurnTraces } from './sessionState';

/** The REST calls the store needs (the real `api` in the app, fakes in tests). */
export interface SessionApi {
  getSession(id: string): Promise<Session>;
  /** `firstMessages`: the answer also holds the first chat's newest page (see `ChatList.first`). */
  listChats(sessionId: string, firstMessages?: number): Promise<ChatList>;
  messagesPage(chatId: string, opts: { before?: string; limit?: number }): Promise<MessagePage>;
  getChat(id: string): Promise<Chat>;
  getTask(id: string): Promise<Task>;
  listPermissions(sessionId: string): Promise<{ items: Permission[] }>;
  answerPermission(id: string, decision: PermissionDecision): Promise<Permission>;
  chatUsage(chatId: string): Promise<UsageSummary>;
  turnTraces(chatId: string, turn: number, cursor?: string): Promise<TracePage>;
  pendingChange(sessionId: string): Promise<{ pending: PendingChange | null }>;
  projectCollisions(projectId: string): Promise<ProjectCollisions>;
  chatAgentSessions(chatId: string): Promise<ChatAgentSessionsResponse>;
}

export interface SessionStoreDeps {
  api: SessionApi;
  openSocket?: (url: string) => WebSocketLike;
  timers?: Timers;
  /** Runs `fn` soon, coalescing bursts of frames into one render (requestAnimationFrame). */
  scheduleFlush?: (fn: () => void) => void;
  url?: (sessionId: string, afterSeq: number | null) => string;
  /** Load over REST if the stream has not opened by then (server without WebSockets, proxy trouble). */
  restFallbackMs?: number;
}

export interface SessionView {
  state: SessionState;
  status: SocketStatus;
  /** A REST refetch after a snapshot is in progress. */
  syncing: boolean;
  loadError: string | null;
  /** Frames the contracts refused (dropped). */
  invalidFrames: number;
  /** Chats whose older history is being fetched. */
  loadingOlder: ReadonlySet<string>;
  /** The chat the address named, when it is not one of this session's chats (see `StrayLink`). */
  strayLink: StrayLink | null;
}

/**
 * A chat named in the address that is not in the address's session (an old or edited link):
 * `sessionId` is the session it is in, null when no chat has that id. The session's first chat
 * is loaded in its place.
 */
export interface StrayLink {
  chatId: string;
  sessionId: string | null;
}

const PAGE = 100;
/** Older pages are fetched while scrolling up: fewer, larger requests. */
const OLDER_PAGE = 200;
/** Frames held during a long refetch are capped; the refetched state covers what is dropped. */
const MAX_HELD = 50_000;

/** Frames appended to a message rather than set: applied twice, or to a copy with a hole, they corrupt it. */
type AppendFrame = Extract<SessionFrame, { type: 'message_delta' | 'reasoning_delta' | 'notice' }>;
const isAppend = (f: SessionFrame): f is AppendFrame => f.type === 'message_delta' || f.type === 'reasoning_delta' || f.type === 'notice';

/**
 * The chat's agent status after a reload, from what the server stored (the session's current
 * agent's entry, else the most recently active one). Frames keep it live afterwards.
 */
function withAgentSessions(
  current: SessionState['chatAgents'],
  chatId: string,
  res: ChatAgentSessionsResponse | null,
  agent: string | null,
): SessionState['chatAgents'] {
  if (!res || res.items.length === 0) return current;
  const a = res.items.find((x) => x.agent === agent) ?? [...res.items].sort((x, y) => y.last_active_at.localeCompare(x.last_active_at))[0]!;
  return {
    ...current,
    [chatId]: {
      agent: a.agent,
      title: a.title ?? null,
      options: a.config_options ?? [],
      context: a.context_usage ?? null,
      commands: a.commands ?? [],
      mode: a.mode_id ?? null,
    },
  };
}

function rafFlush(fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(run);
  // Background tabs get no animation frames; do not let frames pile up there.
  setTimeout(run, 100);
}

/**
 * Live state of one session: REST history plus the session WebSocket. Frames are applied in
 * seq order, in batches per animation frame. A `snapshot` frame (on connect, or when the
 * server can no longer replay) triggers a REST refetch; frames arriving meanwhile are held
 * and applied on top of the refetched state.
 */
export class SessionStore {
  private view: SessionView;
  private listeners = new Set<() => void>();
  private frameListeners = new Set<(frames: readonly SessionFrame[] | null) => void>();
  private socket: FrameSocket<SessionFrame>;
  private queue: SessionFrame[] = [];
  private flushScheduled = false;
  private held: SessionFrame[] | null = null;
  private generation = 0;
  private resyncAttempt = 0;
  private watched = new Set<string>();
  /** The chat the address named, until the first refetch has checked that it is this session's. */
  private linked: string | null = null;
  /** Page fetches in flight per chat. */
  private loadingChats = new Map<string, number>();
  /**
   * Deltas and notices of chats whose newest page is not loaded or is being fetched. They wait
   * for the page: applied to a copy holding only the text streamed since the snapshot, that copy
   * would look newer than the stored one and hide its text; applied before a page that already
   * holds them, they would repeat. Applied on top of the page like the frames held for a resync.
   */
  private chatHeld = new Map<string, AppendFrame[]>();
  private healTimers = new Map<string, unknown>();
  private changeTimer: unknown = null;
  private timers: Timers;
  private stopped = false;
  private fallbackTimer: unknown = null;
  private resyncTimer: unknown = null;

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionStoreDeps,
  ) {
    this.timers = deps.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
    this.view = {
      state: emptySessionState(),
      status: 'connecting',
      syncing: false,
      loadError: null,
      invalidFrames: 0,
      loadingOlder: new Set(),
      strayLink: null,
    };
    const url = deps.url ?? ((id, after) => streamUrl(location.origin, sessionStreamPath(id), after));
    this.socket = new FrameSocket({
      stream: sessionFrames,
      url: (after) => url(sessionId, after),
      onFrames: (frames) => this.receive(frames),
      onStatus: (status) => this.set({ status }),
      onInvalid: () => this.set({ invalidFrames: this.view.invalidFrames + 1 }),
      ...(deps.openSocket ? { open: deps.openSocket } : {}),
      timers: this.timers,
    });
  }

  /**
   * Views that keep state of their own from the stream (workflow runs) get each batch of frames
   * as it is applied, and `null` when the store has refetched after a snapshot (frames may have
   * been missed: refetch too).
   */
  onFrames = (fn: (frames: readonly SessionFrame[] | null) => void): (() => void) => {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  };

  /** Whether a refetch has loaded the session: until then its first one is still to come. */
  hasSynced = (): boolean => this.view.state.session !== null;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): SessionView => this.view;

  start(): void {
    this.socket.start();
    this.fallbackTimer = this.timers.set(() => {
      this.fallbackTimer = null;
      if (this.held === null && !this.view.state.session) void this.resync();
    }, this.deps.restFallbackMs ?? 2500);
  }

  stop(): void {
    this.stopped = true;
    this.socket.stop();
    for (const h of [this.fallbackTimer, this.resyncTimer, this.changeTimer, ...this.healTimers.values()]) {
      if (h !== null) this.timers.clear(h);
    }
    this.listeners.clear();
    this.frameListeners.clear();
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /** Refetches everything now (the Retry button of a failed load). */
  retry(): void {
    void this.resync();
  }

  /** The chat named in the address: loaded with the first refetch, its place checked there. */
  openLinked(chatId: string): void {
    this.linked = chatId;
    this.watchChat(chatId);
  }

  /** The user has read the stray link's notice. */
  dismissStrayLink(): void {
    this.set({ strayLink: null });
  }

  /** The UI shows this chat: make sure its newest history is loaded. */
  watchChat(chatId: string): void {
    this.watched.add(chatId);
    // Before the first snapshot the coming refetch includes this chat.
    if (this.generation === 0 || this.held !== null) return;
    if (this.view.state.logs[chatId]?.loaded || this.loadingChats.has(chatId)) return;
    void this.loadChat(chatId);
  }

  /** Fetches the page before the oldest loaded message. Resolves false when none is left. */
  async loadOlder(chatId: string): Promise<boolean> {
    const log = this.view.state.logs[chatId];
    if (!log?.olderCursor || this.view.loadingOlder.has(chatId)) return false;
    this.set({ loadingOlder: new Set([...this.view.loadingOlder, chatId]) });
    try {
      const page = await this.deps.api.messagesPage(chatId, { before: log.olderCursor, limit: OLDER_PAGE });
      const current = this.view.state;
      this.set({ state: { ...current, logs: { ...current.logs, [chatId]: prependOlderPage(current.logs[chatId], page) } } });
      return page.prev_cursor !== null;
    } catch (err) {
      this.set({ loadError: errorText(err) });
      return false;
    } finally {
      const rest = new Set(this.view.loadingOlder);
      rest.delete(chatId);
      this.set({ loadingOlder: rest });
    }
  }

  /** Local changes the server confirmed over REST (a posted message, a cancelled task). */
  update(fn: (s: SessionState) => SessionState): void {
    this.set({ state: fn(this.view.state) });
  }

  private receive(frames: SessionFrame[]): void {
    for (const f of frames) {
      if (f.type === 'snapshot') {
        // Everything queued so far predates the snapshot: apply it, then refetch on top.
        this.flush();
        this.held = [];
        void this.resync();
        continue;
      }
      if (this.held) {
        if (this.held.length < MAX_HELD) this.held.push(f);
      } else {
        this.route(this.view.state, f, this.queue);
      }
    }
    if (this.queue.length && !this.flushScheduled) {
      this.flushScheduled = true;
      (this.deps.scheduleFlush ?? rafFlush)(() => this.flush());
    }
  }

  private waitsForPage(state: SessionState, chatId: string): boolean {
    return !state.logs[chatId]?.loaded || this.loadingChats.has(chatId);
  }

  /** Sends `f` to `out`, or to its chat's waiting frames (see `chatHeld`). */
  private route(state: SessionState, f: SessionFrame, out: SessionFrame[]): void {
    if (f.type === 'message_deleted') {
      // A retried attempt's waiting frames must not bring it back as a placeholder.
      const waiting = this.chatHeld.get(f.chat_id);
      if (waiting) this.chatHeld.set(f.chat_id, waiting.filter((h) => h.message_id !== f.message_id));
    }
    if (!isAppend(f) || !this.waitsForPage(state, f.chat_id)) {
      out.push(f);
      return;
    }
    let waiting = this.chatHeld.get(f.chat_id);
    if (!waiting) this.chatHeld.set(f.chat_id, (waiting = []));
    // A chat nobody opens may stream for long: the oldest frames are long since in the database.
    if (waiting.length >= MAX_HELD) waiting.splice(0, MAX_HELD / 2);
    waiting.push(f);
  }

  /**
   * Applies a chat's waiting frames once no fetch of its page is left: through the seam when a
   * page was just merged, as they are when the fetch failed (the stored copy is then older).
   */
  private releaseChat(chatId: string, refetched: boolean): void {
    const waiting = this.chatHeld.get(chatId);
    // During a resync they stay: it routes them with the frames it holds.
    if (!waiting || this.held !== null || this.waitsForPage(this.view.state, chatId)) return;
    this.chatHeld.delete(chatId);
    const s = this.view.state;
    this.set({ state: applyFrames(s, refetched ? dropSeamOverlap(s, waiting) : waiting) });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.stopped) return;
    const frames = this.queue;
    this.queue = [];
    // Workflow frames change nothing here (the workflow view keeps them): a batch of only those
    // must not render the whole session again (a 200-agent run sends hundreds a second).
    if (frames.some((f) => !f.type.startsWith('workflow_'))) this.set({ state: applyFrames(this.view.state, frames) });
    for (const fn of this.frameListeners) fn(frames);
    for (const f of frames) {
      if (f.type === 'message_complete') this.scheduleHeal(f.chat_id);
      if (f.type === 'diff_updated') this.scheduleChangeReload();
    }
  }

  /** Refetches session, chats and the watched chats' newest pages, then applies held frames. */
  private async resync(): Promise<void> {
    const gen = ++this.generation;
    if (this.resyncTimer !== null) this.timers.clear(this.resyncTimer);
    this.resyncTimer = null;
    this.set({ syncing: true });
    const { api } = this.deps;
    try {
      // The shown chats' pages are asked for alongside the chat list, not after it: one round trip
      // on page load instead of two. A chat the list no longer holds is dropped with its answer.
      // With no chat shown yet (none in the address), the list brings the first chat's page: the
      // chat the view opens.
      const watched = [...this.watched];
      const early = watched.map((id) => this.fetchNewest(id));
      for (const p of early) p.catch(() => {}); // a dropped chat's refusal is no failure
      const [session, chats, permissions] = await Promise.all([
        api.getSession(this.sessionId),
        api.listChats(this.sessionId, watched.length === 0 ? PAGE : undefined),
        api.listPermissions(this.sessionId).catch(() => null),
      ]);
      const known = new Set(chats.items.map((c) => c.id));
      const first = watched.length === 0 ? chats.first : undefined;
      const ids = first ? [first.chat_id] : watched.filter((id) => known.has(id));
      // A linked chat that is not this session's. Its early page says whether it exists: then the
      // view moves to its own session (asked for now); else it shows the first chat (fetched now).
      const stray = this.linked !== null && !known.has(this.linked) ? this.linked : null;
      const strayExists = stray !== null && (await early[watched.indexOf(stray)]!.then(() => true, () => false));
      const instead = stray !== null && !strayExists && ids.length === 0 ? chats.items[0]?.id : undefined;
      const [fetched, strayChat] = await Promise.all([
        first
          ? [[first.messages, first.usage, first.agent_sessions] as const]
          : Promise.all([...ids.map((id) => early[watched.indexOf(id)]!), ...(instead ? [this.fetchNewest(instead)] : [])]),
        strayExists ? api.getChat(stray).catch((err: unknown) => (err instanceof ApiClientError && err.status === 404 ? null : Promise.reject(err))) : null,
      ]);
      if (instead) ids.push(instead);
      const pages = fetched.map(([page]) => page);
      const usages = fetched.map(([, usage]) => usage);
      const agents = fetched.map(([, , agent]) => agent);
      if (gen !== this.generation || this.stopped) return;
      const base = this.view.state;
      const logs: SessionState['logs'] = {};
      // Chats not refetched may have missed frames: reload them when shown again.
      for (const [id, log] of Object.entries(base.logs)) logs[id] = { ...log, loaded: false };
      ids.forEach((id, i) => (logs[id] = mergeLatestPage(base.logs[id], pages[i]!)));
      const usage = { ...base.usage };
      ids.forEach((id, i) => {
        const u = usages[i];
        if (u) usage[id] = u.turns;
      });
      let chatAgents = base.chatAgents;
      ids.forEach((id, i) => (chatAgents = withAgentSessions(chatAgents, id, agents[i] ?? null, session.agent)));
      const refetched: SessionState = {
        ...base,
        session,
        chats: chats.items,
        logs,
        usage,
        chatAgents,
        permissions: permissions ? permissions.items.map(permissionFromApi) : base.permissions,
        // Turns that ran while we were away may have new calls: fetch again when shown.
        traces: {},
      };
      // Frames of the refetched chats that waited for a page, then those held since the snapshot.
      const pending: SessionFrame[] = ids.flatMap((id) => this.chatHeld.get(id) ?? []);
      for (const id of ids) this.chatHeld.delete(id);
      pending.push(...(this.held ?? []));
      this.held = null;
      this.resyncAttempt = 0;
      if (stray) this.watched.delete(stray);
      this.linked = null;
      const ready: SessionFrame[] = [];
      for (const f of pending) this.route(refetched, f, ready);
      this.set({
        state: applyFrames(refetched, dropSeamOverlap(refetched, ready)),
        syncing: false,
        loadError: null,
        ...(stray ? { strayLink: { chatId: stray, sessionId: strayChat?.session_id ?? null } } : {}),
      });
      for (const fn of this.frameListeners) {
        fn(null);
        fn(ready);
      }
      for (const id of ids) void this.lookUpQueuedTasks(id);
      // Chats shown while this refetch was under way.
      for (const id of this.watched) if (known.has(id) && !ids.includes(id)) void this.loadChat(id);
      void this.loadChange();
    } catch (err) {
      if (gen !== this.generation || this.stopped) return;
      this.set({ loadError: errorText(err) });
      this.resyncTimer = this.timers.set(() => {
        this.resyncTimer = null;
        void this.resync();
      }, backoffDelay(this.resyncAttempt++));
    }
  }

  /** A chat's newest page, with its usage and agent sessions. */
  private fetchNewest(chatId: string): Promise<[MessagePage, UsageSummary | null, ChatAgentSessionsResponse | null]> {
    const { api } = this.deps;
    return Promise.all([
      api.messagesPage(chatId, { limit: PAGE }),
      // Usage and agent sessions are optional extras: an older server without them still syncs.
      api.chatUsage(chatId).catch(() => null),
      api.chatAgentSessions(chatId).catch(() => null),
    ]);
  }

  private async loadChat(chatId: string): Promise<void> {
    this.loadingChats.set(chatId, (this.loadingChats.get(chatId) ?? 0) + 1);
    let fetched = false;
    try {
      const [page, usage, agents] = await this.fetchNewest(chatId);
      if (this.stopped) return;
      // Frames queued before the fetch belong under the page; the chat's deltas and notices since wait.
      this.flush();
      const s = this.view.state;
      this.set({
        state: {
          ...s,
          logs: { ...s.logs, [chatId]: mergeLatestPage(s.logs[chatId], page) },
          usage: usage ? { ...s.usage, [chatId]: usage.turns } : s.usage,
          chatAgents: withAgentSessions(s.chatAgents, chatId, agents, s.session?.agent ?? null),
        },
        loadError: null,
      });
      fetched = true;
      void this.lookUpQueuedTasks(chatId);
    } catch (err) {
      this.set({ loadError: errorText(err) });
    } finally {
      const n = (this.loadingChats.get(chatId) ?? 1) - 1;
      if (n > 0) this.loadingChats.set(chatId, n);
      else this.loadingChats.delete(chatId);
      if (!this.stopped) this.releaseChat(chatId, fetched);
    }
  }

  /**
   * The database holds a message's final text once it completes; refetch the newest page
   * shortly after so the chat shows exactly what was stored.
   */
  private scheduleHeal(chatId: string): void {
    if (this.healTimers.has(chatId)) return;
    this.healTimers.set(
      chatId,
      this.timers.set(() => {
        this.healTimers.delete(chatId);
        if (this.held || this.stopped) return;
        void this.loadChat(chatId);
        // Fetched calls of a turn that just ended may be stale: fetch those again.
        for (const [key, t] of Object.entries(this.view.state.traces)) {
          if (key.startsWith(`${chatId}:`) && !t.loading) void this.fetchTurnTraces(chatId, Number(key.slice(chatId.length + 1)), null);
        }
      }, 300),
    );
  }

  /**
   * After a reload the stream tells nothing about turns still waiting in the queue: ask for
   * the task of each recent user message that has no reply yet.
   */
  private async lookUpQueuedTasks(chatId: string): Promise<void> {
    const messages = this.view.state.logs[chatId]?.messages ?? [];
    const answered = new Set(messages.filter((m) => m.role === 'assistant').map((m) => m.task_id));
    const tasks = this.view.state.tasks;
    const ids = messages
      .slice(-20)
      .filter((m) => m.role === 'user' && m.task_id && !answered.has(m.task_id) && !tasks[m.task_id])
      .map((m) => m.task_id!)
      .slice(-10);
    if (ids.length === 0) return;
    const found = await Promise.all(ids.map((id) => this.deps.api.getTask(id).catch(() => null)));
    if (this.stopped) return;
    const next = { ...this.view.state.tasks };
    for (const t of found) {
      // Frames may have reported a newer state while we asked.
      if (t && !next[t.id]) next[t.id] = { status: t.status, chatId: t.chat_id, error: t.error };
    }
    this.set({ state: { ...this.view.state, tasks: next } });
  }

  /** The UI shows turn `turn`: fetch its tool calls once (they are not part of the messages). */
  ensureTurnTraces(chatId: string, turn: number): void {
    const t = this.view.state.traces[traceKey(chatId, turn)];
    // Fetched or on its way; a failed fetch is tried again when asked again (Retry).
    if (t && !t.error) return;
    if (t?.loading) return;
    void this.fetchTurnTraces(chatId, turn, null);
  }

  /** The next page of a turn with more calls than one page holds. */
  loadMoreTurnTraces(chatId: string, turn: number): void {
    const t = this.view.state.traces[traceKey(chatId, turn)];
    if (t?.nextCursor && !t.loading) void this.fetchTurnTraces(chatId, turn, t.nextCursor);
  }

  private async fetchTurnTraces(chatId: string, turn: number, cursor: string | null): Promise<void> {
    const key = traceKey(chatId, turn);
    const patch = (fn: (t: TurnTraces) => TurnTraces) => {
      const s = this.view.state;
      const prev = s.traces[key] ?? { items: [], nextCursor: null, loading: false, error: null };
      this.set({ state: { ...s, traces: { ...s.traces, [key]: fn(prev) } } });
    };
    patch((t) => ({ ...t, loading: true, error: null }));
    try {
      const page = await this.deps.api.turnTraces(chatId, turn, cursor ?? undefined);
      if (this.stopped) return;
      const items = page.items.map(toolCallFromTrace);
      patch((t) => ({ items: cursor ? [...t.items, ...items] : items, nextCursor: page.next_cursor, loading: false, error: null }));
    } catch (err) {
      patch((t) => ({ ...t, loading: false, error: errorText(err) }));
    }
  }

  /** Answers a permission request; the `permission_resolved` frame updates every tab. */
  async answerPermission(permissionId: string, decision: PermissionDecision): Promise<void> {
    const p = permissionFromApi(await this.deps.api.answerPermission(permissionId, decision));
    const s = this.view.state;
    this.set({ state: { ...s, permissions: s.permissions.map((x) => (x.permissionId === p.permissionId ? { ...x, resolved: p.resolved } : x)) } });
  }

  /** Reloads the pending change and the collision warnings (both change after every turn). */
  async loadChange(): Promise<void> {
    const session = this.view.state.session;
    if (!session) return;
    const [change, collisions] = await Promise.all([
      this.deps.api.pendingChange(this.sessionId).catch(() => undefined),
      this.deps.api.projectCollisions(session.project_id).catch(() => undefined),
    ]);
    if (this.stopped) return;
    const s = this.view.state;
    this.set({
      state: {
        ...s,
        change: change === undefined ? s.change : change.pending,
        collisions: collisions ? collisionsOf(collisions.collisions, this.sessionId) : s.collisions,
      },
    });
  }

  private scheduleChangeReload(): void {
    if (this.changeTimer !== null) return;
    this.changeTimer = this.timers.set(() => {
      this.changeTimer = null;
      void this.loadChange();
    }, 300);
  }

  private set(patch: Partial<SessionView>): void {
    this.view = { ...this.view, ...patch };
    for (const fn of this.listeners) fn();
  }
}
