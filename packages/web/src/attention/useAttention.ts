import { useEffect, useRef, useState } from 'react';
import type { Session, SessionAttention } from '@boocode/contracts';
import { api } from '../api';
import { chime } from './chime';
import { faviconFor, needingAttention, newAttention, notificationText, titleFor, worthNotifying } from './attention';
import type { AttentionSettings } from './useAttentionSettings';

function setFavicon(href: string): void {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  link.href = href;
}

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => !document.hidden);
  useEffect(() => {
    const onChange = () => setVisible(!document.hidden);
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * Everything that tells the user a session wants them: the tab title's count, the favicon's
 * dot, a browser notification and a chime (both opt-in). Looking at a session whose turn ended
 * tells the server it was seen, which clears the badge in every browser.
 */
export function useAttention({
  sessions,
  loaded,
  currentSessionId,
  settings,
  onOpenSession,
}: {
  sessions: Session[];
  loaded: boolean;
  currentSessionId: string | null;
  settings: AttentionSettings;
  onOpenSession: (id: string) => void;
}): void {
  const count = needingAttention(sessions).length;
  useEffect(() => {
    document.title = titleFor(count);
    setFavicon(faviconFor(count));
  }, [count]);

  const known = useRef<Map<string, SessionAttention | null> | null>(null);
  const latest = useRef({ currentSessionId, settings, onOpenSession });
  latest.current = { currentSessionId, settings, onOpenSession };
  useEffect(() => {
    if (!loaded) return;
    const events = newAttention(known.current, sessions);
    known.current = new Map(sessions.map((s) => [s.id, s.attention]));
    const { currentSessionId: current, settings: opts, onOpenSession: open } = latest.current;
    const due = events.filter((e) => worthNotifying(e, { hidden: document.hidden, currentSessionId: current }));
    if (due.length === 0) return;
    if (opts.sound) chime();
    if (!opts.notify || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const e of due) {
      const { title, body } = notificationText(e);
      // One per session: a newer state replaces the older notification.
      const n = new Notification(title, { body, tag: e.session.id });
      n.onclick = () => {
        window.focus();
        open(e.session.id);
        n.close();
      };
    }
  }, [sessions, loaded]);

  const visible = usePageVisible();
  const current = sessions.find((s) => s.id === currentSessionId);
  const unseen = visible && current && (current.attention === 'finished' || current.attention === 'failed') ? current : null;
  useEffect(() => {
    if (!unseen) return;
    // On failure the badge simply stays; the next change or visit says "seen" again.
    api.call('markSessionSeen', { params: { id: unseen.id } }).catch(() => undefined);
  }, [unseen?.id, unseen?.updated_at]);
}
