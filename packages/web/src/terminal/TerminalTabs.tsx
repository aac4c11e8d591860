import { useRef, useState, type KeyboardEvent } from 'react';
import type { Terminal } from '@boocode/contracts';
import { IconButton } from '../ui/IconButton';

/**
 * Tabs of a session's terminals (WAI-ARIA tabs: arrow keys move, F2 or a double click renames), a
 * close button on the current one and a button for a new terminal.
 */
export function TerminalTabs({
  terminals,
  currentId,
  canCreate,
  onSelect,
  onCreate,
  onClose,
  onRename,
}: {
  terminals: Terminal[];
  currentId: string | null;
  canCreate: boolean;
  onSelect: (id: string) => void;
  onCreate: () => void;
  onClose: (id: string) => void;
  onRename: (id: string, name: string) => void;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const refs = useRef(new Map<string, HTMLButtonElement>());

  const move = (e: KeyboardEvent, index: number) => {
    if (e.key === 'F2') {
      e.preventDefault();
      setRenaming(terminals[index]!.id);
      return;
    }
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? terminals.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = terminals[(next + terminals.length) % terminals.length]!;
    onSelect(t.id);
    refs.current.get(t.id)?.focus();
  };

  const finishRename = (t: Terminal, name: string) => {
    setRenaming(null);
    if (name.trim() && name.trim() !== t.name) onRename(t.id, name.trim());
  };

  return (
    <div className="terminal-tabs">
      <div role="tablist" aria-label="Terminals" className="terminal-tabs__list">
        {terminals.map((t, i) =>
          renaming === t.id ? (
            <input
              key={t.id}
              className="terminal-tabs__rename"
              defaultValue={t.name}
              aria-label="Terminal name"
              maxLength={64}
              autoFocus
              onBlur={(e) => finishRename(t, e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') finishRename(t, e.currentTarget.value);
                if (e.key === 'Escape') setRenaming(null);
              }}
            />
          ) : (
            <span key={t.id} className="terminal-tabs__item">
              <button
                ref={(el) => {
                  if (el) refs.current.set(t.id, el);
                  else refs.current.delete(t.id);
                }}
                type="button"
                role="tab"
                aria-selected={t.id === currentId}
                tabIndex={t.id === currentId ? 0 : -1}
                className="terminal-tabs__tab"
                title={`${t.name} — ${t.cwd}`}
                onClick={() => onSelect(t.id)}
                onDoubleClick={() => setRenaming(t.id)}
                onKeyDown={(e) => move(e, i)}
              >
                {t.name}
              </button>
              {t.id === currentId ? <IconButton icon="close" label={`Close terminal ${t.name}`} className="terminal-tabs__close" onClick={() => onClose(t.id)} /> : null}
            </span>
          ),
        )}
      </div>
      <IconButton icon="plus" label="New terminal" disabled={!canCreate} onClick={onCreate} />
    </div>
  );
}
