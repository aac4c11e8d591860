import type { Session } from '@boocode/contracts';
import { ATTENTION_LABEL } from '../attention/attention';
import type { SessionActivity } from '../stream/WorkspaceStore';

/**
 * What a session wants from its user (stored on the server, so it survives a reload), else
 * whether it is working right now.
 */
export function ActivityBadge({ attention, activity }: { attention: Session['attention']; activity: SessionActivity | undefined }) {
  if (attention) return <span className={`badge badge--${attention}`}>{ATTENTION_LABEL[attention]}</span>;
  if (activity === 'awaiting_permission') return <span className="badge badge--permission">{ATTENTION_LABEL.permission}</span>;
  if (activity === 'running') return <span className="badge badge--running">running</span>;
  return null;
}
