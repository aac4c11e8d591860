import { memo, useRef, useState, type KeyboardEvent } from 'react';
import type { Chat } from '@boocode/contracts';
import { errorText } from '@boocode/client';
import { api } from '../api';
import { IconButton } from '../ui/IconButton';

/**
 * Tabs of the session's chats (WAI-ARIA tabs: arrow keys move between them, F2 or a double
 * click renames), and a button for a new chat. Memoized: streamed deltas change the session's
 * state many times a second, its chats rarely.
 */
export const ChatTabs = memo(function ChatTabs({
  sessionId,
  chats,
  currentId,
  runningChatIds,
  agentTitles,
  onSelect,
  onCreated,
}: {
  sessionId: string;
  chats: Chat[];
  currentId: string | null;
  runningChatIds: ReadonlySet<string>;
  /** The agent's own name for its session, shown as a tooltip. */
  agentTitles: Record<string, string | null>;
  onSelect: (id: string) => void;
  onCreated: (c: Chat) => void;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refs = useRef(new Map<string, HTMLButtonElement>());

  const move = (e: KeyboardEvent, index: number) => {
    const next =
      e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? chats.length - 1 : null;
    if (e.key === 'F2') {
      e.preventDefault();
      setRenaming(chats[index]!.id);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    const chat = chats[(next + chats.length) % chats.length]!;
    onSelect(chat.id);
    refs.current.get(chat.id)?.focus();
  };

  const create = async () => {
    setError(null);
    try {
      onCreated(await api.call('createChat', { params: { id: sessionId } }));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const rename = async (chat: Chat, name: string) => {
    setRenaming(null);
    if (!name.trim() || name.trim() === chat.name) return;
    setError(null);
    try {
      await api.call('renameChat', { params: { id: chat.id }, body: { name: name.trim() } });
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="chat-tabs">
      <div role="tablist" aria-label="Chats" className="chat-tabs__list">
        {chats.map((c, i) =>
          renaming === c.id ? (
            <input
              key={c.id}
              className="chat-tabs__rename"
              defaultValue={c.name}
              aria-label="Chat name"
              autoFocus
              onBlur={(e) => void rename(c, e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void rename(c, e.currentTarget.value);
                if (e.key === 'Escape') setRenaming(null);
              }}
            />
          ) : (
            <button
              key={c.id}
              ref={(el) => {
                if (el) refs.current.set(c.id, el);
                else refs.current.delete(c.id);
              }}
              type="button"
              role="tab"
              id={`tab-${c.id}`}
              aria-selected={c.id === currentId}
              aria-controls="chat-panel"
              tabIndex={c.id === currentId ? 0 : -1}
              className="chat-tabs__tab"
              title={agentTitles[c.id] ?? undefined}
              onClick={() => onSelect(c.id)}
              onDoubleClick={() => setRenaming(c.id)}
              onKeyDown={(e) => move(e, i)}
            >
              {runningChatIds.has(c.id) ? <span className="chat-tabs__running" aria-label="running" /> : null}
              {c.name}
            </button>
          ),
        )}
      </div>
      <IconButton icon="plus" label="New chat" onClick={() => void create()} />
      {error ? (
        <span className="chat-tabs__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
});
