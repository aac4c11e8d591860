import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../api';
import { SessionStore, type SessionApi, type SessionView } from './SessionStore';

const restApi: SessionApi = {
  getSession: (id) => api.call('getSession', { params: { id } }),
  listChats: (id, firstMessages) => api.call('listChats', { params: { id }, query: firstMessages ? { first_messages: firstMessages } : {} }),
  messagesPage: (id, query) => api.call('listMessages', { params: { id }, query }),
  getChat: (id) => api.call('getChat', { params: { id } }),
  getTask: (id) => api.call('getTask', { params: { id } }),
  listPermissions: (id) => api.call('listPermissions', { params: { id } }),
  answerPermission: (id, decision) => api.call('answerPermission', { params: { id }, body: { decision } }),
  chatUsage: (id) => api.call('getChatUsage', { params: { id } }),
  turnTraces: (id, turn, cursor) => api.call('listTraces', { params: { id }, query: { turn, limit: 200, ...(cursor ? { cursor } : {}) } }),
  pendingChange: (id) => api.call('getPendingChange', { params: { id } }),
  projectCollisions: (id) => api.call('getProjectCollisions', { params: { id } }),
  chatAgentSessions: (id) => api.call('listAgentSessions', { params: { id } }),
};

const noSubscribe = () => () => {};
const noView = () => null;

/**
 * A live store for the open session (null until it is created), closed when the session changes.
 * `chatId`, the chat in the address when the session opens, is loaded with the session's first
 * refetch rather than once the chat list has named it.
 */
export function useSessionStore(sessionId: string, chatId: string | null): { store: SessionStore; view: SessionView } | null {
  const [store, setStore] = useState<SessionStore | null>(null);
  const [openedChat] = useState(chatId);
  useEffect(() => {
    const s = new SessionStore(sessionId, { api: restApi });
    if (openedChat) s.openLinked(openedChat);
    s.start();
    setStore(s);
    // Coming back online should not wait out a long backoff delay.
    const online = () => s.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      s.stop();
    };
  }, [sessionId, openedChat]);
  const view = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? noView);
  return store && view && store.sessionId === sessionId ? { store, view } : null;
}
