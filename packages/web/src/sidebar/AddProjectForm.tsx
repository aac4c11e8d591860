import { useState, type FormEvent } from 'react';
import type { Project } from '@boocode/contracts';
import { api } from '../api';
import { useEscape } from '../shell/useEscape';
import { ErrorNotice } from '../ui/ErrorNotice';

/** Adds a project by path; the server checks it is a git repository and says why not. */
export function AddProjectForm({ onAdded, onCancel }: { onAdded: (p: Project) => void; onCancel: () => void }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEscape(true, onCancel);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await api.call('createProject', { body: { path: path.trim() } });
      setPath('');
      onAdded(project);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="add-project" onSubmit={submit} aria-label="Add project">
      <label htmlFor="add-project-path">Repository path</label>
      <input
        id="add-project-path"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder="/home/me/code/my-repo"
        spellCheck={false}
        autoComplete="off"
        autoFocus
      />
      <div className="add-project__actions">
        <button type="submit" className="button button--primary" disabled={busy || path.trim() === ''}>
          {busy ? 'Adding…' : 'Add project'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNotice error={error} compact /> : null}
    </form>
  );
}
