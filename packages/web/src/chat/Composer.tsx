import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { PostMessageResponse, Session } from '@boocode/contracts';
import type { ChatAgentView } from '../stream/sessionState';
import { api } from '../api';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';
import { AgentPicker } from './AgentPicker';
import { AgentStatus } from './AgentStatus';
import { CommandHints } from './CommandHints';

/**
 * The input box. While a turn runs a new message is still accepted: the server queues it
 * behind the running turn (one turn at a time per session), so the button says "Queue".
 */
export function Composer({
  session,
  chatId,
  running,
  agentView,
  onPosted,
  onStop,
}: {
  session: Session;
  chatId: string;
  running: boolean;
  agentView: ChatAgentView | undefined;
  onPosted: (r: PostMessageResponse) => void;
  onStop: () => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [stopping, setStopping] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || sending) return;
    setSending(true);
    setError(null);
    try {
      onPosted(await api.call('postMessage', { params: { id: chatId }, body: { content: text } }));
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };

  const stop = async () => {
    setStopping(true);
    setError(null);
    try {
      await onStop();
    } catch (err) {
      setError(err);
    } finally {
      setStopping(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={send} aria-label="Send a message">
      {error ? <ErrorNotice error={error} compact /> : null}
      <CommandHints
        text={text}
        commands={agentView?.commands ?? []}
        onPick={(name) => {
          setText(`/${name} `);
          input.current?.focus();
        }}
      />
      <textarea
        ref={input}
        className="composer__input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={running ? 'Queue a follow-up…' : 'Ask the agent…  (Enter to send, Shift+Enter for a new line)'}
        aria-label="Message"
        rows={3}
      />
      <div className="composer__bar">
        <AgentPicker session={session} />
        <AgentStatus view={agentView} />
        <div className="composer__actions">
          {running ? (
            <button type="button" className="button button--danger" onClick={() => void stop()} disabled={stopping}>
              <Icon name="stop" size={12} /> {stopping ? 'Stopping…' : 'Stop'}
            </button>
          ) : null}
          <button type="submit" className="button button--primary" disabled={sending || !text.trim()}>
            <Icon name="send" size={12} /> {running ? 'Queue' : 'Send'}
          </button>
        </div>
      </div>
    </form>
  );
}
