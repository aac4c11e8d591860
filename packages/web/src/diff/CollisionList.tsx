import type { Collision } from '../stream/sessionState';
import { routeSearch } from '../shell/route';

const SEVERITY: Record<Collision['severity'], string> = {
  same_line: 'changes the same lines',
  adjacent_line: 'changes lines next to these',
  different_area: 'changes another part of',
};

const ranges = (rs: [number, number][]) => rs.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');

/** Other sessions with pending changes to the same files, most serious first. */
export function CollisionList({ collisions }: { collisions: Collision[] }) {
  if (collisions.length === 0) return null;
  const order = { same_line: 0, adjacent_line: 1, different_area: 2 };
  const sorted = [...collisions].sort((a, b) => order[a.severity] - order[b.severity]);
  return (
    <section className="collisions" aria-label="Collision warnings" role="alert">
      <h3>Other sessions touch these files</h3>
      <ul>
        {sorted.map((c, i) => (
          <li key={i} className={`collisions__item collisions__item--${c.severity}`}>
            <a href={`/${routeSearch({ sessionId: c.other_session_id, chatId: null })}`}>another session</a> {SEVERITY[c.severity]}{' '}
            <code>{c.file}</code>
            <span className="collisions__ranges">
              lines {ranges(c.ranges)} here, {ranges(c.other_ranges)} there
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
