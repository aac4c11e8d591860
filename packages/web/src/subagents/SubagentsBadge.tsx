import { Icon } from '../ui/Icon';

/** How many background agents of the session are queued or running; opens their pane. */
export function SubagentsBadge({ active, onOpen }: { active: number; onOpen: () => void }) {
  if (active === 0) return null;
  const words = `background agent${active === 1 ? '' : 's'}`;
  return (
    <button type="button" className="badge badge--running subagents-badge" onClick={onOpen} aria-label={`${active} ${words}`} title="Show background agents">
      <Icon name="agents" size={12} />
      {active}
      <span className="subagents-badge__words"> {words}</span>
    </button>
  );
}
