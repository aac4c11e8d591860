/** How many background agents of the session are queued or running; opens their pane. */
export function SubagentsBadge({ active, onOpen }: { active: number; onOpen: () => void }) {
  if (active === 0) return null;
  return (
    <button type="button" className="badge badge--running subagents-badge" onClick={onOpen} title="Show background agents">
      {active} background agent{active === 1 ? '' : 's'}
    </button>
  );
}
