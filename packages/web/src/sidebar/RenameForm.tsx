import { useState, type FormEvent } from 'react';
import type { Session } from '@boocode/contracts';
import { api } from '../api';
import { ErrorNotice } from '../ui/ErrorNotice';

/**
 * A session's name, edited in place (sidebar row or session header). Saved on the session, so
 * every open browser sees it; Escape or an unchanged name leaves it as it was.
 */
export function RenameForm({ session, onDone }: { session: Session; onDone: (renamed: Session | null) => void }) {
  const [name, setName] = useState(session.name);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const next = name.trim();
    if (next === session.name) return onDone(null);
    if (!next) return setError(new Error('A session needs a name.'));
    setSaving(true);
    setError(null);
    try {
      onDone(await api.call('updateSession', { params: { id: session.id }, body: { name: next } }));
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };
  return (
    <form className="rename" aria-label={`Rename ${session.name}`} onSubmit={(e) => void submit(e)}>
      <input
        className="rename__input"
        value={name}
        maxLength={200}
        autoFocus
        onFocus={(e) => e.target.select()}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onDone(null);
          }
        }}
        aria-label="Session name"
        disabled={saving}
      />
      <button type="submit" className="button button--small button--primary" disabled={saving}>
        Save
      </button>
      <button type="button" className="button button--small" onClick={() => onDone(null)}>
        Cancel
      </button>
      {error ? <ErrorNotice error={error} compact /> : null}
    </form>
  );
}
