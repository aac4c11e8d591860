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
 * generates it alongside the first prompt's turn, in the background: it may land after that turn
 * went idle, so the first turn waits a little for it (`settle`), and a title that came later still
 * is read from the session when the next turn starts (`needsLookup`).
 */
export class OpenCodeSessionTitle {
  private reported: string | null = null;
  /** `awaited`: the first prompt is still to come or running; `late`: look the title up once. */
  private state: 'awaited' | 'late' | 'done';
  private readonly arrived = deferred<void>();

  /** `fresh`: the opencode session was just created untitled, so its first prompt will name it. */
  constructor(fresh: boolean) {
    this.state = fresh ? 'awaited' : 'late';
  }

  /** Whether the next turn should read the session's title first (a title generated between turns). */
  get needsLookup(): boolean {
    return this.state === 'late';
  }

  /** Reports a real title (not opencode's placeholder) that differs from the last one reported. */
  note(title: string | undefined, report: (title: string) => void): void {
    const t = title?.trim();
    if (this.state === 'late') this.state = 'done';
    if (!t || isPlaceholderTitle(t) || t === this.reported) return;
    this.reported = t;
    this.state = 'done';
    this.arrived.resolve();
    report(t);
  }

  /**
   * After a turn: when it was the session's first, waits up to `ms` (or until `signal` aborts) for
   * the title opencode generates alongside it. Later turns return at once.
   */
  async settle(ms: number, signal: AbortSignal): Promise<void> {
    if (this.state !== 'awaited') return;
    const stop = new AbortController();
    try {
      await Promise.race([this.arrived.promise, delay(ms, AbortSignal.any([signal, stop.signal])).catch(() => undefined)]);
    } finally {
      stop.abort();
      if (this.state === 'awaited') this.state = 'late';
    }
  }
}
