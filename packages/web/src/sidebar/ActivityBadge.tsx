import type { SessionActivity } from '../stream/WorkspaceStore';

const LABEL: Record<SessionActivity, string> = {
  idle: 'idle',
  running: 'running',
  awaiting_permission: 'needs permission',
  failed: 'failed',
};

export function ActivityBadge({ activity }: { activity: SessionActivity | undefined }) {
  if (!activity) return null;
  return <span className={`badge badge--${activity}`}>{LABEL[activity]}</span>;
}
