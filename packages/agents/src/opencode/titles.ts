import { z } from 'zod';
import { delay, deferred } from '../external/abort.js';
import { isPlaceholderTitle } from './wire.js';

/**
 * Where a session's title comes from: `boocode` (BooCode names the opencode session, so opencode
 * makes no extra, paid model call to invent one) or `opencode` (the session is created untitled
 * and opencode's title agent names it from the first prompt).
 */
export const TitleSource = z.enum(['boocode', 'opencode'], {
  error: 'must be "boocode" (BooCode titles the session, no extra model call) or "opencode" (opencode\'s model invents the title)',
});
export type TitleSource = z.infer<typeof TitleSource>;

/**
 * opencode's own title for one session, reported (as `session_info`) once per change. opencode
 * generates it alongside the first prompt's turn, in the background, so it may land after that
 * turn went idle: the first turn waits a little for it (`settle`). One that lands later still is
 * reported with the next turn, whose `session.updated` events carry the session's title again.
 */
export class OpenCodeSessionTitle {
  private reported: string | null;
  /** Whether the first prompt, whose turn opencode titles the session in, is still to end. */
  private awaited: boolean;
  private readonly arrived = deferred<void>();

  /**
   * `fresh`: the opencode session was just created untitled, so its first prompt will name it.
   * `known`: the title already reported for it (before a BooCode restart), so it is no news.
   */
  constructor(fresh: boolean, known: string | null = null) {
    this.awaited = fresh;
    this.reported = known?.trim() || null;
  }

  /** Reports a real title (not opencode's placeholder) that differs from the last one reported. */
  note(title: string, report: (title: string) => void): void {
    const t = title.trim();
    if (!t || isPlaceholderTitle(t) || t === this.reported) return;
    this.reported = t;
    this.arrived.resolve();
    report(t);
  }

  /**
   * After a turn: when it was the session's first, waits up to `ms` (or until `signal` aborts) for
   * the title opencode generates alongside it. Later turns return at once.
   */
  async settle(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.awaited) return;
    this.awaited = false;
    if (this.reported !== null) return;
    const stop = new AbortController();
    try {
      await Promise.race([this.arrived.promise, delay(ms, AbortSignal.any([signal, stop.signal])).catch(() => undefined)]);
    } finally {
      stop.abort();
    }
  }
}

/** How many opencode sessions' titles a backend remembers; the oldest is forgotten first. */
const REMEMBERED = 5_000;

/**
 * The title trackers of a backend's opencode sessions, by opencode session id. They outlive the
 * warm session (released when idle or when its settings change): reopened, a session keeps the
 * title it reported, so opencode repeating it in its events is no new title.
 */
export class OwnTitles {
  private readonly byId = new Map<string, OpenCodeSessionTitle>();

  /**
   * The tracker of opencode session `id`; `fresh`: it was just created untitled. `known`: the
   * title BooCode stored for it, which a tracker this backend does not have yet starts from.
   */
  of(id: string, fresh: boolean, known: string | null = null): OpenCodeSessionTitle {
    let t = this.byId.get(id);
    if (t) this.byId.delete(id);
    else t = new OpenCodeSessionTitle(fresh, known);
    // Re-inserted: the map's order is the order of last use.
    this.byId.set(id, t);
    if (this.byId.size > REMEMBERED) this.byId.delete(this.byId.keys().next().value!);
    return t;
  }
}
