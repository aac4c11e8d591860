import { useEffect, useState } from 'react';
import type { Session } from '@boocode/contracts';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';

/**
 * Agent and model of the session. Changes are saved on the session (PATCH), so they survive
 * a reload and every tab sees them through `session_updated`.
 */
export function AgentPicker({ session, agents }: { session: Session; agents?: string[] }) {
  const [model, setModel] = useState(session.model ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setModel(session.model ?? ''), [session.model]);

  const save = async (patch: { agent?: string; model?: string | null }) => {
    setError(null);
    try {
      await api.sessions.update(session.id, patch);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const commitModel = () => {
    const next = model.trim() === '' ? null : model.trim();
    if (next !== session.model) void save({ model: next });
  };

  const options = agents && agents.length > 0 ? agents : [session.agent];
  return (
    <div className="agent-picker">
      <label>
        <span className="visually-hidden">Agent</span>
        <select
          value={session.agent}
          onChange={(e) => void save({ agent: e.target.value })}
          aria-label="Agent"
          disabled={options.length < 2}
        >
          {options.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">Model</span>
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
          placeholder="default model"
          aria-label="Model"
          spellCheck={false}
        />
      </label>
      {error ? (
        <span className="agent-picker__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
