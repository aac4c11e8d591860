import type { Project, Session, TaskStatus, UserFrame } from '@boocode/contracts';
import {
  backoffDelay,
  errorText,
  FrameSocket,
  streamUrl,
  userFrames,
  userStreamPath,
  type SocketStatus,
  type Timers,
  type WebSocketLike,
} from '@boocode/client';

export type SessionActivity = Extract<UserFrame, { type: 'session_activity' }>['activity'];

export interface WorkspaceApi {
  listProjects(): Promise<{ items: Project[] }>;
  listSessions(): Promise<{ items: Session[] }>;
}

export interface WorkspaceView {
  projects: Project[];
  sessions: Session[];
  /** Known activity per session id; absent until the server reports it. */
  activity: Record<string, SessionActivity>;
  status: SocketStatus;
  loaded: boolean;
  loadError: string | null;
}

/**
 * Projects and sessions for the sidebar, kept live by the user-level WebSocket `/api/events`.
 * Like the session store: a `snapshot` frame triggers a REST refetch, and frames arriving
 * meanwhile are applied on top of it so none is lost to a stale list.
 */
export class WorkspaceStore {
  private view: WorkspaceView = { projects: [], sessions: [], activity: {}, status: 'connecting', loaded: false, loadError: null };
  private listeners = new Set<() => void>();
  private socket: FrameSocket<UserFrame>;
  private held: UserFrame[] | null = null;
  private generation = 0;
  private attempt = 0;
  private retry: unknown = null;
  private timers: Timers;
  private stopped = false;
  private fallback: unknown = null;
  private readonly restFallbackMs: number;

  constructor(
    private readonly api: WorkspaceApi,
    opts: { openSocket?: (url: string) => WebSocketLike; timers?: Timers; restFallbackMs?: number } = {},
  ) {
    this.timers = opts.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
    this.restFallbackMs = opts.restFallbackMs ?? 1500;
    this.socket = new FrameSocket({
      stream: userFrames,
      url: (after) => streamUrl(location.origin, userStreamPath, after),
      onFrames: (frames) => this.receive(frames),
      onStatus: (status) => {
        this.set({ status });
        // A socket that failed (signed out, server gone) sends no snapshot: load without it now,
        // so the page can show the sign-in screen or the error at once.
        if ((status === 'reconnecting' || status === 'unauthorized') && this.fallback !== null) this.loadWithoutSocket();
      },
      ...(opts.openSocket ? { open: opts.openSocket } : {}),
      timers: this.timers,
    });
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): WorkspaceView => this.view;

  start(): void {
    this.socket.start();
    // The socket's first frame is a snapshot, which loads the lists: loading them before as well
    // fetched them twice on every page load. A socket that does not answer soon must not keep the
    // sidebar empty: the lists are then loaded without it (and again at its snapshot).
    this.fallback = this.timers.set(() => this.loadWithoutSocket(), this.restFallbackMs);
  }

  private loadWithoutSocket(): void {
    if (this.fallback !== null) this.timers.clear(this.fallback);
    this.fallback = null;
    if (!this.view.loaded && this.held === null && !this.stopped) void this.refetch();
  }

  stop(): void {
    this.stopped = true;
    this.socket.stop();
    for (const h of [this.retry, this.fallback]) if (h !== null) this.timers.clear(h);
    this.retry = null;
    this.fallback = null;
    this.listeners.clear();
  }

  /** REST results the UI got directly (a project it added, a session it created). */
  upsertProject(p: Project): void {
    this.set({ projects: upsert(this.view.projects, p) });
  }

  upsertSession(s: Session): void {
    this.set({ sessions: upsert(this.view.sessions, s) });
  }

  removeProject(id: string): void {
    this.set({
      projects: this.view.projects.filter((p) => p.id !== id),
      sessions: this.view.sessions.filter((s) => s.project_id !== id),
    });
  }

  private receive(frames: UserFrame[]): void {
    for (const f of frames) {
      if (f.type === 'snapshot') {
        if (this.fallback !== null) this.timers.clear(this.fallback);
        this.fallback = null;
        // Activities are re-sent right after the snapshot; older ones may be stale.
        this.held = [];
        this.set({ activity: {} });
        void this.refetch();
      } else if (this.held) {
        this.held.push(f);
      } else {
        this.apply(f);
      }
    }
  }

  async refetch(): Promise<void> {
    const gen = ++this.generation;
    this.held ??= [];
    try {
      const [projects, sessions] = await Promise.all([this.api.listProjects(), this.api.listSessions()]);
      if (gen !== this.generation || this.stopped) return;
      this.attempt = 0;
      this.set({ projects: projects.items, sessions: sessions.items, loaded: true, loadError: null });
      const held = this.held ?? [];
      this.held = null;
      for (const f of held) this.apply(f);
    } catch (err) {
      if (gen !== this.generation || this.stopped) return;
      this.set({ loadError: errorText(err), loaded: true });
      this.retry = this.timers.set(() => {
        this.retry = null;
        void this.refetch();
      }, backoffDelay(this.attempt++));
    }
  }

  private apply(f: UserFrame): void {
    switch (f.type) {
      case 'project_added':
        this.upsertProject(f.project);
        return;
      case 'project_removed':
        this.removeProject(f.project_id);
        return;
      case 'session_created':
      case 'session_updated':
        this.upsertSession(f.session);
        return;
      case 'session_activity':
        this.set({ activity: { ...this.view.activity, [f.session_id]: f.activity } });
        return;
      case 'task_state': {
        const activity = activityOfTask(f.status);
        if (f.session_id && activity) this.set({ activity: { ...this.view.activity, [f.session_id]: activity } });
        return;
      }
      case 'snapshot':
        return;
      default: {
        const unhandled: never = f;
        return unhandled;
      }
    }
  }

  private set(patch: Partial<WorkspaceView>): void {
    this.view = { ...this.view, ...patch };
    for (const fn of this.listeners) fn();
  }
}

/** A task's state says what its session is doing; `pending` says nothing new. */
function activityOfTask(status: TaskStatus): SessionActivity | null {
  switch (status) {
    case 'running':
      return 'running';
    case 'completed':
    case 'cancelled':
      return 'idle';
    case 'failed':
    case 'timed_out':
      return 'failed';
    default:
      return null;
  }
}

function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  return i >= 0 ? list.map((x, j) => (j === i ? item : x)) : [...list, item];
}
