/** One tool call as the trace viewer shows it. */
export interface TraceView {
  id: string;
  turn: number;
  messageId: string;
  toolCallId: string;
  /** Background agents the call spawned (from the traces API; live ones are matched by call id). */
  subagentIds: readonly string[];
  toolName: string;
  input: Record<string, unknown>;
  output: string | null;
  error: string | null;
  /** null while running. */
  outcome: 'success' | 'error' | 'cancelled' | null;
  startedAt: string;
  finishedAt: string | null;
  latencyMs: number | null;
}

export interface TurnBounds {
  startedAt: string;
  finishedAt: string | null;
}

export interface TraceTurn {
  turn: number;
  messageId: string;
  startMs: number;
  durationMs: number;
  traces: TraceView[];
  errors: number;
  running: number;
}

const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : NaN);

/**
 * Groups traces into turns (ordered by turn, calls by start time). A turn spans its message's
 * start to finish when known, widened to cover every call so bars stay inside; a turn still
 * running ends at `nowMs`.
 */
export function groupByTurn(
  traces: readonly TraceView[],
  bounds: ReadonlyMap<string, TurnBounds>,
  nowMs: number,
): TraceTurn[] {
  const byKey = new Map<string, TraceView[]>();
  for (const t of traces) {
    const key = `${t.messageId}:${t.turn}`;
    const list = byKey.get(key);
    if (list) list.push(t);
    else byKey.set(key, [t]);
  }
  const turns: TraceTurn[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => ms(a.startedAt) - ms(b.startedAt));
    const first = list[0]!;
    const b = bounds.get(first.messageId);
    const callEnds = list.map((t) =>
      t.latencyMs !== null ? ms(t.startedAt) + t.latencyMs : Number.isNaN(ms(t.finishedAt)) ? nowMs : ms(t.finishedAt),
    );
    const starts = list.map((t) => ms(t.startedAt)).filter((x) => !Number.isNaN(x));
    const boundStart = ms(b?.startedAt);
    const startMs = Math.min(...starts, Number.isNaN(boundStart) ? Infinity : boundStart);
    const boundEnd = b ? (b.finishedAt ? ms(b.finishedAt) : nowMs) : NaN;
    const endMs = Math.max(...callEnds.filter((x) => !Number.isNaN(x)), Number.isNaN(boundEnd) ? -Infinity : boundEnd);
    turns.push({
      turn: first.turn,
      messageId: first.messageId,
      startMs: Number.isFinite(startMs) ? startMs : nowMs,
      durationMs: Number.isFinite(startMs) && Number.isFinite(endMs) ? Math.max(0, endMs - startMs) : 0,
      traces: list,
      errors: list.filter((t) => t.outcome === 'error').length,
      running: list.filter((t) => t.outcome === null).length,
    });
  }
  return turns.sort((a, b) => a.startMs - b.startMs || a.turn - b.turn);
}
