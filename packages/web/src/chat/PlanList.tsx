import type { PlanEntry } from '@boocode/contracts';

const MARK: Record<PlanEntry['status'], string> = { pending: '○', in_progress: '◐', completed: '●' };

/** The agent's plan (todo list) as it last reported it. */
export function PlanList({ entries }: { entries: PlanEntry[] }) {
  return (
    <ol className="plan" aria-label="Plan">
      {entries.map((e, i) => (
        <li key={i} className={`plan__entry plan__entry--${e.status}`}>
          <span aria-hidden="true">{MARK[e.status]}</span> {e.content}
          <span className="visually-hidden"> ({e.status.replace('_', ' ')})</span>
        </li>
      ))}
    </ol>
  );
}
