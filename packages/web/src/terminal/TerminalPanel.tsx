import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '@boocode/contracts';
import { EmptyState } from '../ui/EmptyState';
import { IconButton } from '../ui/IconButton';
import { Spinner } from '../ui/Spinner';
import { TerminalTabs } from './TerminalTabs';
import { TerminalView, type TerminalViewHandle } from './TerminalView';
import { useDocumentTheme } from './useDocumentTheme';
import { useTerminals } from './useTerminals';

const activeKey = (sessionId: string) => `boocode.terminal.${sessionId}`;

/** The terminal pane beside the chat: tabs of the session's terminals, find, copy and paste. */
export default function TerminalPanel({ session }: { session: Session }) {
  const { terminals, error, busy, create, kill, rename, reload, clearError } = useTerminals(session.id);
  const theme = useDocumentTheme();
  const [activeId, setActiveId] = useState<string | null>(() => localStorage.getItem(activeKey(session.id)));
  const view = useRef<TerminalViewHandle>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ index: number; count: number } | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const current = terminals?.find((t) => t.id === activeId) ?? terminals?.[0] ?? null;
  // Remember the tab shown, so a reload comes back to it.
  useEffect(() => {
    if (current) localStorage.setItem(activeKey(session.id), current.id);
  }, [current, session.id]);

  const open = useCallback(async () => {
    const t = await create();
    if (t) setActiveId(t.id);
  }, [create]);

  const find = (direction: 'next' | 'previous') => {
    if (!query) return;
    if (!view.current?.find(query, direction)) setFound({ index: -1, count: 0 });
  };

  const say = (text: string) => {
    setFlash(text);
    setTimeout(() => setFlash((f) => (f === text ? null : f)), 2500);
  };

  if (!terminals) return <Spinner label="Loading terminals" />;
  const archived = session.status !== 'open';
  return (
    <div className="terminal-panel">
      {terminals.length ? (
        <TerminalTabs
          terminals={terminals}
          currentId={current?.id ?? null}
          canCreate={!archived && !busy}
          onSelect={setActiveId}
          onCreate={() => void open()}
          onClose={(id) => void kill(id)}
          onRename={(id, name) => void rename(id, name)}
        />
      ) : null}
      {error ? (
        <div className="terminal-panel__error" role="alert">
          <span>{error}</span>
          <button type="button" className="link-button" onClick={clearError}>
            Dismiss
          </button>
        </div>
      ) : null}
      {current ? (
        <>
          <div className="terminal-panel__tools">
            <form
              className="terminal-panel__find"
              role="search"
              onSubmit={(e) => {
                e.preventDefault();
                find('next');
              }}
            >
              <input
                type="search"
                placeholder="Find in terminal"
                aria-label="Find in terminal"
                value={query}
                onChange={(e) => {
                  setQuery(e.target.value);
                  setFound(null);
                  if (!e.target.value) view.current?.clearFind();
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && e.shiftKey) {
                    e.preventDefault();
                    find('previous');
                  }
                  if (e.key === 'Escape') {
                    // Clears the find box only; the panel stays open.
                    e.stopPropagation();
                    setQuery('');
                    setFound(null);
                    view.current?.clearFind();
                    view.current?.focus();
                  }
                }}
              />
              <span className="terminal-panel__count" aria-live="polite">
                {found ? (found.count === 0 ? 'No matches' : found.index >= 0 ? `${found.index + 1} of ${found.count}` : `${found.count} matches`) : ''}
              </span>
              <IconButton icon="chevronUp" label="Previous match" disabled={!query} onClick={() => find('previous')} />
              <IconButton icon="chevronDown" label="Next match" disabled={!query} onClick={() => find('next')} />
            </form>
            <IconButton
              icon="copy"
              label="Copy selection (Ctrl+Shift+C)"
              onClick={() =>
                void view.current?.copy().then(
                  (copied) => say(copied ? 'Copied' : 'Select text in the terminal first'),
                  () => say('The browser did not allow copying'),
                )
              }
            />
            <IconButton
              icon="paste"
              label="Paste (Ctrl+Shift+V)"
              onClick={() => void view.current?.paste().catch(() => say('The browser did not allow pasting: use Ctrl+Shift+V'))}
            />
            {flash ? (
              <span className="terminal-panel__flash" role="status">
                {flash}
              </span>
            ) : null}
          </div>
          <TerminalView
            key={current.id}
            ref={view}
            terminal={current}
            theme={theme}
            onSearchResults={setFound}
            onEnded={() => void reload()}
          />
        </>
      ) : (
        <EmptyState title="No terminal in this session">
          {archived ? (
            <p>An archived session cannot open terminals.</p>
          ) : (
            <>
              <p>A shell in {session.isolated ? "this session's worktree" : 'the project directory'}; it keeps running when you close the page.</p>
              <button type="button" className="button button--primary" disabled={busy} onClick={() => void open()}>
                Open a terminal
              </button>
            </>
          )}
        </EmptyState>
      )}
    </div>
  );
}
