import { useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import type { PermissionPolicy, Project, Session } from '@boocode/contracts';
import { api } from '../api';
import { useAgents } from '../chat/useAgents';
import { useAgentModels } from '../chat/useAgentModels';
import { ModelChoice } from '../chat/ModelChoice';
import { useEscape } from '../shell/useEscape';
import { ErrorNotice } from '../ui/ErrorNotice';

const POLICIES: { value: PermissionPolicy; label: string }[] = [
  { value: 'ask', label: 'Ask me each time' },
  { value: 'allow_edits', label: 'Allow file edits, ask for the rest' },
  { value: 'allow_all', label: 'Allow everything' },
];

/** Start a session deliberately: name, agent (only usable ones), its model, base branch, worktree and policy. */
export function NewSessionDialog({ project, onCreated, onClose }: { project: Project; onCreated: (s: Session) => void; onClose: () => void }) {
  const agents = useAgents();
  const [name, setName] = useState('');
  const [picked, setAgent] = useState<string | null>(null);
  // Until the user picks one: the first agent that can run a turn.
  const agent = picked ?? agents?.find((a) => a.available)?.name ?? 'native';
  const [model, setModel] = useState('');
  const [base, setBase] = useState('');
  const [isolated, setIsolated] = useState(true);
  const [policy, setPolicy] = useState<PermissionPolicy>('ask');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEscape(true, onClose);

  const chosen = agents?.find((a) => a.name === agent);
  const models = useAgentModels(chosen?.available ? agent : null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.call('createSession', {
        body: {
          project_id: project.id,
          agent,
          permission_policy: policy,
          isolated,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(model.trim() ? { model: model.trim() } : {}),
          ...(isolated && base.trim() ? { base_branch: base.trim() } : {}),
        },
      });
      onCreated(session);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  // On the body: the sidebar it is opened from may be a drawer that clips or moves it.
  return createPortal(
    <div className="overlay" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="new-session" role="dialog" aria-modal="true" aria-labelledby="new-session-title" onSubmit={submit}>
        <h2 id="new-session-title">New session in {project.name}</h2>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Optional" autoFocus autoComplete="off" />
        </label>
        <label>
          Agent
          <select
            value={agent}
            onChange={(e) => {
              setAgent(e.target.value);
              setModel('');
            }}
          >
            {(agents ?? []).map((a) => (
              <option key={a.name} value={a.name} disabled={!a.available}>
                {a.label}
                {a.available ? '' : ` — not usable: ${a.error ?? 'not installed'}`}
              </option>
            ))}
            {agents?.some((a) => a.name === 'native') ? null : <option value="native">BooCode native agent</option>}
          </select>
        </label>
        {chosen && !chosen.available ? <p className="new-session__hint">{chosen.error}</p> : null}
        {chosen && chosen.notes.length > 0 ? (
          <ul className="new-session__notes" aria-label={`About ${chosen.label}`}>
            {chosen.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
        <label>
          Model
          <ModelChoice models={models} value={model} onCommit={setModel} />
        </label>
        {models.state === 'failed' ? (
          <p className="new-session__hint">
            {models.message.replace(/\.?$/, '.')} Type a model name, or leave it empty for its default.
          </p>
        ) : null}
        <label className="new-session__check">
          <input type="checkbox" checked={isolated} onChange={(e) => setIsolated(e.target.checked)} />
          Work in its own worktree (a branch of its own)
        </label>
        {isolated ? (
          <label>
            Base branch
            <input value={base} onChange={(e) => setBase(e.target.value)} placeholder="The project's current branch" spellCheck={false} autoComplete="off" />
          </label>
        ) : null}
        <label>
          Permissions
          <select value={policy} onChange={(e) => setPolicy(e.target.value as PermissionPolicy)}>
            {POLICIES.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {error ? <ErrorNotice error={error} compact /> : null}
        <div className="new-session__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || (chosen !== undefined && !chosen.available)}>
            {busy ? 'Starting…' : 'Start session'}
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}
