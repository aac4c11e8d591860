import { useEffect, useState } from 'react';
import type { AgentModel } from '@boocode/contracts';
import { api } from '../api';

/**
 * An agent's own model list: `loading` while it is asked, `list` (empty: the agent has none, a
 * model is typed), or `failed` with the server's sentence saying why.
 */
export type AgentModels = { state: 'loading' } | { state: 'list'; models: AgentModel[] } | { state: 'failed'; message: string };

/** Asking may start the agent: each agent is asked once per page load (the server keeps lists a minute too). */
const asked = new Map<string, Promise<AgentModels>>();

function ask(agent: string): Promise<AgentModels> {
  let p = asked.get(agent);
  if (!p) {
    p = api.call('listAgentModels', { params: { name: agent }, query: {} }).then(
      (r): AgentModels => ({ state: 'list', models: r.models }),
      (err: unknown): AgentModels => {
        asked.delete(agent);
        return { state: 'failed', message: err instanceof Error ? err.message : String(err) };
      },
    );
    asked.set(agent, p);
  }
  return p;
}

/** The models `agent` offers; null agent (not chosen yet, or not usable): nothing to ask. */
export function useAgentModels(agent: string | null): AgentModels {
  const [result, setResult] = useState<{ agent: string; models: AgentModels } | null>(null);
  useEffect(() => {
    if (!agent) return;
    let live = true;
    void ask(agent).then((models) => live && setResult({ agent, models }));
    return () => {
      live = false;
    };
  }, [agent]);
  if (!agent) return { state: 'list', models: [] };
  return result?.agent === agent ? result.models : { state: 'loading' };
}
