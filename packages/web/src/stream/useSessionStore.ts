import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../api/endpoints';
import { SessionStore, type SessionApi, type SessionView } from './SessionStore';

const restApi: SessionApi = {
  getSession: api.sessions.get,
  listChats: api.chats.list,
  messagesPage: (chatId, opts) => api.messages.page(chatId, opts),
  getTask: api.tasks.get,
  listPermissions: api.permissions.list,
  answerPermission: api.permissions.answer,
  chatUsage: api.traces.usage,
  turnTraces: api.traces.ofTurn,
  pendingChange: api.review.pending,
  projectCollisions: api.review.collisions,
  chatAgentSessions: api.agents.ofChat,
};

const noSubscribe = () => () => {};
const noView = () => null;

/** A live store for the open session (null until it is created), closed when the session changes. */
export function useSessionStore(sessionId: string): { store: SessionStore; view: SessionView } | null {
  const [store, setStore] = useState<SessionStore | null>(null);
  useEffect(() => {
    const s = new SessionStore(sessionId, { api: restApi });
    s.start();
    setStore(s);
    // Coming back online should not wait out a long backoff delay.
    const online = () => s.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      s.stop();
    };
  }, [sessionId]);
  const view = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? noView);
  return store && view && store.sessionId === sessionId ? { store, view } : null;
}
