import type { MouseEvent } from 'react';
import type { Session } from '@boocode/contracts';
import { routeSearch } from '../shell/route';
import type { SessionActivity } from '../stream/WorkspaceStore';
import { ActivityBadge } from './ActivityBadge';

/** A real link (so it opens in a new tab too) that navigates in place on a plain click. */
export function SessionLink({
  session,
  activity,
  current,
  onOpen,
}: {
  session: Session;
  activity: SessionActivity | undefined;
  current: boolean;
  onOpen: (id: string) => void;
}) {
  const click = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    onOpen(session.id);
  };
  return (
    <a
      className="session-link"
      href={`/${routeSearch({ sessionId: session.id, chatId: null })}`}
      aria-current={current ? 'page' : undefined}
      onClick={click}
    >
      <span className="session-link__name">{session.name}</span>
      <span className="session-link__agent">{session.agent}</span>
      <ActivityBadge attention={session.attention} activity={activity} />
    </a>
  );
}
