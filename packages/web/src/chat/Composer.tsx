import { memo, useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { MessageImage, PostMessageResponse, Session } from '@boocode/contracts';
import type { ChatAgentView } from '../stream/sessionState';
import { api } from '../api';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Icon } from '../ui/Icon';
import { AgentPicker } from './AgentPicker';
import { AgentStatus } from './AgentStatus';
import { CommandHints } from './CommandHints';
import { ImagePickButton, ImageStrip } from './ImageStrip';
import { readImages, reattachImages, type Attachment } from './images';
import { useAgents } from './useAgents';

/** A prompt put back in the input box ("Edit and resend"), images too; a new `key` replaces what is typed and attached. */
export interface Draft {
  text: string;
  images: MessageImage[];
  key: number;
}

/**
 * The input box. While a turn runs a new message is still accepted: the server queues it
 * behind the running turn (one turn at a time per session), so the button says "Queue".
 * Memoized, as are the strips around it: the chat renders again with every streamed delta.
 */
export const Composer = memo(function Composer({
  session,
  chatId,
  running,
  agentView,
  onPosted,
  onStop,
  draft,
}: {
  session: Session;
  chatId: string;
  running: boolean;
  agentView: ChatAgentView | undefined;
  onPosted: (r: PostMessageResponse) => void;
  onStop: () => Promise<void>;
  draft: Draft | null;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [stopping, setStopping] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const [images, setImages] = useState<Attachment[]>([]);
  const [imageProblems, setImageProblems] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    if (!draft) return;
    setText(draft.text);
    setImages([]);
    setImageProblems([]);
    const el = input.current;
    el?.focus();
    el?.setSelectionRange(draft.text.length, draft.text.length);
    if (draft.images.length === 0) return;
    let current = true;
    void reattachImages(draft.images).then(({ added, problems }) => {
      if (!current) return;
      setImages(added);
      setImageProblems(problems);
    });
    return () => {
      current = false;
    };
  }, [draft]);
  const agents = useAgents();
  const agent = agents?.find((a) => a.name === session.agent);
  // Refused here, before anything is sent, when the agent says it cannot take images.
  const imagesRefused =
    images.length > 0 && agent?.capabilities.images === false
      ? `${agent.label} cannot take images. Remove them, or pick an agent that can.`
      : null;

  const attach = async (files: File[]) => {
    if (files.length === 0) return;
    const { added, problems } = await readImages(files, images);
    setImages((prev) => [...prev, ...added]);
    setImageProblems(problems);
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return; // plain text pastes as usual
    e.preventDefault();
    void attach(files);
  };
  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    void attach([...e.dataTransfer.files]);
  };

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if ((!text.trim() && images.length === 0) || sending || imagesRefused) return;
    setSending(true);
    setError(null);
    try {
      const r = await api.call('postMessage', {
        params: { id: chatId },
        body: { content: text, images: images.map((i) => ({ type: 'image' as const, mime_type: i.mime, data: i.data })) },
      });
      onPosted(r);
      setText('');
      setImages([]);
      setImageProblems([]);
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
    <form
      className={`composer${dragging ? ' composer--drop' : ''}`}
      onSubmit={send}
      aria-label="Send a message"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {error ? <ErrorNotice error={error} compact /> : null}
      <ImageStrip
        images={images}
        problems={imagesRefused ? [imagesRefused, ...imageProblems] : imageProblems}
        onRemove={(id) => {
          setImages((prev) => prev.filter((i) => i.id !== id));
          setImageProblems([]);
        }}
      />
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
        onPaste={onPaste}
        placeholder={running ? 'Queue a follow-up…' : 'Ask the agent…  (Enter to send, Shift+Enter for a new line)'}
        aria-label="Message"
        rows={3}
      />
      <div className="composer__bar">
        <AgentPicker session={session} view={agentView} />
        <AgentStatus view={agentView} />
        <div className="composer__actions">
          {running ? (
            <button type="button" className="button button--danger" onClick={() => void stop()} disabled={stopping}>
              <Icon name="stop" size={12} /> {stopping ? 'Stopping…' : 'Stop'}
            </button>
          ) : null}
          <ImagePickButton onPick={(files) => void attach(files)} />
          <button type="submit" className="button button--primary" disabled={sending || (!text.trim() && images.length === 0) || imagesRefused !== null}>
            <Icon name="send" size={12} /> {running ? 'Queue' : 'Send'}
          </button>
        </div>
      </div>
    </form>
  );
});
