import { useEffect, useState } from 'react';
import type { AgentInfo } from '@boocode/contracts';
import { api } from '../api';

/** Discovery is slow on the server side and changes rarely: ask once per page load. */
let cached: Promise<AgentInfo[] | null> | null = null;

/**
 * The agents the server found (`GET /api/agents`), or null when it cannot tell (an older
 * server without the route, or an error): the picker then offers the session's own agent.
 */
export function useAgents(): AgentInfo[] | null {
  const [agents, setAgents] = useState<AgentInfo[] | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= api.call('listAgents').then(
      (r) => r.items,
      () => null,
    );
    void cached.then((a) => live && setAgents(a));
    return () => {
      live = false;
    };
  }, []);
  return agents;
}
