import { useCallback, useEffect, useState } from 'react';
import type { Terminal } from '@boocode/contracts';
import { api } from '../api';
import { terminalErrorText } from './terminalErrors';

export interface TerminalsState {
  terminals: Terminal[] | null;
  /** The last failure, in words. */
  error: string | null;
  busy: boolean;
  reload(): Promise<void>;
  create(): Promise<Terminal | null>;
  kill(id: string): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  clearError(): void;
}

/** A session's terminals as the server lists them (tmux is the source of truth), and what can be done to them. */
export function useTerminals(sessionId: string): TerminalsState {
  const [terminals, setTerminals] = useState<Terminal[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setTerminals((await api.call('listTerminals', { params: { id: sessionId } })).items);
    } catch (err) {
      setTerminals((t) => t ?? []);
      setError(terminalErrorText(err));
    }
  }, [sessionId]);

  useEffect(() => {
    setTerminals(null);
    setError(null);
    void reload();
  }, [reload]);

  const act = useCallback(
    async <T>(work: () => Promise<T>): Promise<T | null> => {
      setBusy(true);
      setError(null);
      try {
        return await work();
      } catch (err) {
        setError(terminalErrorText(err));
        return null;
      } finally {
        setBusy(false);
        await reload();
      }
    },
    [reload],
  );

  return {
    terminals,
    error,
    busy,
    reload,
    create: () => act(() => api.call('createTerminal', { params: { id: sessionId }, body: {} })),
    kill: async (id) => {
      await act(() => api.call('killTerminal', { params: { id } }));
    },
    rename: async (id, name) => {
      await act(() => api.call('renameTerminal', { params: { id }, body: { name } }));
    },
    clearError: () => setError(null),
  };
}
