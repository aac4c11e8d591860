import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHit } from '@boocode/contracts';
import { filterCommands, type PaletteCommand } from './commands';
import { useMessageSearch } from '../search/useMessageSearch';
import { hitCommands } from '../search/hitCommands';
import { Snippet } from '../search/Snippet';

/** Ctrl/Cmd-K: type to narrow (commands, then messages found by search), arrows to pick, Enter to run, Escape to close. */
export function CommandPalette({
  commands,
  onOpenHit,
  onClose,
}: {
  commands: PaletteCommand[];
  onOpenHit: (hit: SearchHit) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const hits = useMessageSearch(query);
  const shown = useMemo(() => [...filterCommands(commands, query), ...hitCommands(hits, onOpenHit)], [commands, query, hits, onOpenHit]);
  const current = Math.min(active, Math.max(0, shown.length - 1));
  useEffect(() => {
    list.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const run = (c: PaletteCommand | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = shown.length;
      if (n > 0) setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(shown[current]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div className="overlay" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          className="palette__input"
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown[current] ? `palette-${current}` : undefined}
          aria-label="Command"
          placeholder="Go to a session, start one, search messages…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          spellCheck={false}
          autoComplete="off"
        />
        <ul className="palette__list" id="palette-list" role="listbox" aria-label="Commands" ref={list}>
          {shown.length === 0 ? <li className="palette__empty">Nothing matches “{query}”.</li> : null}
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`palette-${i}`}
              data-index={i}
              role="option"
              aria-selected={i === current}
              className="palette__item"
              onPointerMove={() => setActive(i)}
              onClick={() => run(c)}
            >
              <span className="palette__label">{c.snippet ? <Snippet parts={c.snippet} /> : c.label}</span>
              {c.hint ? <span className="palette__hint">{c.hint}</span> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
