import { useState } from 'react';
import type { AgentInfo, PermissionPolicy, PolicySupport, Session } from '@boocode/contracts';
import { api } from '../api';
import type { ChatAgentView } from '../stream/sessionState';
import { useAgents } from './useAgents';
import { useAgentModels } from './useAgentModels';
import { ModelChoice } from './ModelChoice';

/** BooCode's own agent, offered even by a server that does not list agents. */
const BUILT_IN = 'native';

interface Choice {
  name: string;
  label: string;
  available: boolean;
}

function choicesOf(agents: AgentInfo[] | null, current: string): Choice[] {
  const list: Choice[] = (agents ?? []).map((a) => ({ name: a.name, label: a.label, available: a.available }));
  if (!list.some((c) => c.name === BUILT_IN)) list.unshift({ name: BUILT_IN, label: 'BooCode native agent', available: true });
  if (!list.some((c) => c.name === current)) list.push({ name: current, label: current, available: true });
  return list;
}

/** The permission policies as a person picks them. */
const POLICY_LABEL: Record<PermissionPolicy, string> = {
  ask: 'Ask before acting',
  allow_edits: 'Allow edits',
  allow_all: 'Allow everything',
};

/** What the user reads when the agent cannot follow the chosen policy; null when it can (or nobody knows yet). */
function policyNote(agent: string, policy: PermissionPolicy, support: PolicySupport | null): string | null {
  if (!support || support.policy !== policy || support.level === 'full') return null;
  const head =
    support.level === 'none'
      ? `${agent} cannot follow “${POLICY_LABEL[policy]}”.`
      : `${agent} follows “${POLICY_LABEL[policy]}” only in part.`;
  return support.reason ? `${head} ${support.reason}` : head;
}

/**
 * Agent, model, mode and permission policy of the session, changeable between turns, even while
 * one runs (the next turn uses them). Changes are saved on the session (PATCH), so they survive
 * a reload and every tab sees them through `session_updated`. The model comes from the agent's
 * own list where it has one; the modes are the ones the agent reported (`view`), its current one
 * shown until the user picks another.
 */
export function AgentPicker({ session, view }: { session: Session; view: ChatAgentView | undefined }) {
  const agents = useAgents();
  const models = useAgentModels(session.agent);
  const [error, setError] = useState<string | null>(null);
  const modeOption = view?.agent === session.agent ? view.options.find((o) => o.category === 'mode' && o.type === 'select') : undefined;
  const currentMode = session.mode ?? (typeof modeOption?.current_value === 'string' ? modeOption.current_value : '');

  const save = async (patch: { agent?: string; model?: string | null; mode?: string | null; permission_policy?: PermissionPolicy }) => {
    setError(null);
    try {
      await api.call('updateSession', { params: { id: session.id }, body: patch });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const choices = choicesOf(agents, session.agent);
  const current = choices.find((c) => c.name === session.agent);
  const note = policyNote(current?.label ?? session.agent, session.permission_policy, session.policy_support);
  return (
    <div className="agent-picker">
      <select value={session.agent} onChange={(e) => void save({ agent: e.target.value, model: null })} aria-label="Agent">
        {choices.map((c) => (
          <option key={c.name} value={c.name} disabled={!c.available && c.name !== session.agent}>
            {c.label}
            {c.available ? '' : ' (unavailable)'}
          </option>
        ))}
      </select>
      <ModelChoice
        className="agent-picker__model"
        models={models}
        value={session.model ?? ''}
        onCommit={(m) => {
          const next = m === '' ? null : m;
          if (next !== session.model) void save({ model: next });
        }}
        placeholder="default model"
      />
      {modeOption ? (
        <select className="agent-picker__mode" title="The agent's mode" value={currentMode} onChange={(e) => void save({ mode: e.target.value })} aria-label="Mode">
          {modeOption.values.map((v) => (
            <option key={v.value} value={v.value}>
              {v.name}
            </option>
          ))}
        </select>
      ) : null}
      <select
        className="agent-picker__policy"
        value={session.permission_policy}
        onChange={(e) => void save({ permission_policy: e.target.value as PermissionPolicy })}
        aria-label="Permissions"
      >
        {(Object.keys(POLICY_LABEL) as PermissionPolicy[]).map((p) => (
          <option key={p} value={p}>
            {POLICY_LABEL[p]}
          </option>
        ))}
      </select>
      {note ? (
        <p className="agent-picker__policy-note" role="note">
          {note}
        </p>
      ) : null}
      {error ? (
        <span className="agent-picker__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
