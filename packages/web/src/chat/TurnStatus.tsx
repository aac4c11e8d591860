import { memo, useEffect, useState } from 'react';
import type { InFlightTurn } from '@boocode/contracts';
import { formatElapsed } from '../traces/latency';

/**
 * "Working · 12 s" while a turn runs in this chat; "Starting…" while its task runs but no
 * reply has begun (worktree set-up, agent start). Fixed height so nothing below moves.
 */
export const TurnStatus = memo(function TurnStatus({ turn, starting }: { turn: InFlightTurn | undefined; starting: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!turn) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [turn]);
  return (
    <div className="turn-status" role="status" aria-live="polite">
      {turn ? (
        <>
          <span className={`turn-status__dot${turn.awaiting_permission ? ' turn-status__dot--waiting' : ''}`} aria-hidden="true" />
          <span>
            {turn.awaiting_permission ? 'Waiting for your permission' : `${turn.agent || 'Agent'} is working`}
          </span>
          <span className="turn-status__time">{formatElapsed(now - Date.parse(turn.started_at))}</span>
        </>
      ) : starting ? (
        <>
          <span className="turn-status__dot" aria-hidden="true" />
          <span>Starting…</span>
        </>
      ) : null}
    </div>
  );
});
