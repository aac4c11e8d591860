import { useEffect, useId, useState } from 'react';
import type { AgentInfo, PermissionPolicy, PolicySupport, Session } from '@boocode/contracts';
import { api } from '../api';
import { useAgents } from './useAgents';

/** BooCode's own agent, offered even by a server that does not list agents. */
const BUILT_IN = 'native';

interface Choice {
  name: string;
  label: string;
  available: boolean;
  models: string[];
}

function choicesOf(agents: AgentInfo[] | null, current: string): Choice[] {
  const list: Choice[] = (agents ?? []).map((a) => ({ name: a.name, label: a.label, available: a.available, models: a.models.map((m) => m.id) }));
  if (!list.some((c) => c.name === BUILT_IN)) list.unshift({ name: BUILT_IN, label: 'BooCode native agent', available: true, models: [] });
  if (!list.some((c) => c.name === current)) list.push({ name: current, label: current, available: true, models: [] });
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
 * Agent, model and permission policy of the session, changeable between turns (the next turn
 * uses them). Changes are saved on the session (PATCH), so they survive
 * a reload and every tab sees them through `session_updated`.
 */
export function AgentPicker({ session }: { session: Session }) {
  const agents = useAgents();
  const [model, setModel] = useState(session.model ?? '');
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  useEffect(() => setModel(session.model ?? ''), [session.model]);

  const save = async (patch: { agent?: string; model?: string | null; permission_policy?: PermissionPolicy }) => {
    setError(null);
    try {
      await api.call('updateSession', { params: { id: session.id }, body: patch });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const commitModel = () => {
    const next = model.trim() === '' ? null : model.trim();
    if (next !== session.model) void save({ model: next });
  };

  const choices = choicesOf(agents, session.agent);
  const current = choices.find((c) => c.name === session.agent);
  const models = current?.models ?? [];
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
      <input
        className="agent-picker__model"
        value={model}
        onChange={(e) => setModel(e.target.value)}
        onBlur={commitModel}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commitModel();
          }
        }}
        list={models.length > 0 ? listId : undefined}
        placeholder="default model"
        aria-label="Model"
        spellCheck={false}
      />
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
      {models.length > 0 ? (
        <datalist id={listId}>
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      ) : null}
      {error ? (
        <span className="agent-picker__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
