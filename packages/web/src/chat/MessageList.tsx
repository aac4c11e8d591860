import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PermissionOption } from '@boocode/contracts';
import type { PermissionView, TaskView, UiMessage } from '../stream/sessionState';
import { EmptyState } from '../ui/EmptyState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Spinner } from '../ui/Spinner';
import { MessageRow } from './MessageRow';
import type { Recovery } from './RecoverActions';

export interface MessageListHandle {
  /** Scrolls the message into view and flashes it; false if it is not loaded. */
  scrollToMessage(id: string): boolean;
  /** Jumps to the newest message and follows new output again (after the reader sends). */
  scrollToBottom(): void;
}

export interface MessageListProps {
  messages: UiMessage[];
  loaded: boolean;
  /** Why the history could not be loaded (shown instead of a spinner), with a retry. */
  loadError: string | null;
  onRetry: () => void;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  permissionsByMessage: ReadonlyMap<string, PermissionView[]>;
  tasks: Record<string, TaskView>;
  pinnedId: string | null;
  onPin: (id: string) => void;
  onCancelTask: (taskId: string) => void;
  /** Messages whose turn's tool calls are still to be fetched. */
  needTraces: ReadonlySet<string>;
  onNeedTraces: (turn: number) => void;
  onAnswerPermission: (permissionId: string, option: PermissionOption) => Promise<void>;
  /** Retry, Continue, Edit and resend, offered on the last message when its turn ended badly (not in an archived session). */
  recovery: Recovery | undefined;
  /** Index of the first message in view, for the timeline's "current turn". */
  onFirstVisible: (index: number) => void;
}

/** Height of the "older messages" row above the first message. */
const HEAD = 44;
/** Within this many pixels of the end counts as "at the bottom": new content keeps it there. */
const STICKY_PX = 64;
const LOAD_OLDER_PX = 400;
const NO_PERMISSIONS: PermissionView[] = [];

/**
 * The chat, virtualized: only rows near the viewport are in the DOM, so a session with
 * thousands of messages scrolls as smoothly as a short one. It follows new output while the
 * reader is at the bottom and keeps the reader's place when older pages are prepended.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList(props, ref) {
  const { messages, loaded, hasOlder, loadingOlder, onLoadOlder, onFirstVisible } = props;
  // A turn's error belongs to the agent's reply once there is one, not also to the prompt.
  const replied = useMemo(() => new Set(messages.flatMap((m) => (m.role === 'assistant' && m.task_id ? [m.task_id] : []))), [messages]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(props.pinnedId === null);
  const [showJump, setShowJump] = useState(false);
  const [flashId, setFlashId] = useState<string | null>(null);

  const v = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 140,
    overscan: 6,
    paddingStart: HEAD,
    paddingEnd: 16,
    getItemKey: (i) => messages[i]!.id,
  });
  const total = v.getTotalSize();

  const scrollToMessage = useCallback(
    (id: string) => {
      const i = messages.findIndex((m) => m.id === id);
      if (i < 0) return false;
      atBottom.current = false;
      v.scrollToIndex(i, { align: 'start' });
      setFlashId(id);
      return true;
    },
    [messages, v],
  );
  const scrollToBottom = useCallback(() => {
    const el = scrollRef.current;
    atBottom.current = true;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);
  useImperativeHandle(ref, () => ({ scrollToMessage, scrollToBottom }), [scrollToMessage, scrollToBottom]);

  // The list also shrinks without new content (a queue or status line appears below it).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [loaded, messages.length === 0]);

  useEffect(() => {
    if (!flashId) return;
    const t = setTimeout(() => setFlashId(null), 1600);
    return () => clearTimeout(t);
  }, [flashId]);

  // Follow the output while the reader is at the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [total, messages.length]);

  // Older messages were prepended: move down by the height they added, so nothing jumps.
  const prev = useRef<{ firstId: string | undefined; total: number }>({ firstId: undefined, total: 0 });
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = prev.current;
    const firstId = messages[0]?.id;
    if (el && before.firstId && firstId !== before.firstId && messages.some((m) => m.id === before.firstId)) {
      el.scrollTop += total - before.total;
    }
    prev.current = { firstId, total };
  }, [messages, total]);

  // Reported only when it changes: a parent state update per streamed frame would re-render
  // the whole session view (this halved the frame rate under 2,000 deltas/s in bench/ui).
  const reported = useRef(-1);
  const reportFirstVisible = useCallback(() => {
    const top = scrollRef.current?.scrollTop ?? 0;
    const first = v.getVirtualItems().find((item) => item.end > top + HEAD);
    if (first && first.index !== reported.current) {
      reported.current = first.index;
      onFirstVisible(first.index);
    }
  }, [onFirstVisible, v]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = distance < STICKY_PX;
    setShowJump(distance > 600);
    if (el.scrollTop < LOAD_OLDER_PX && hasOlder && !loadingOlder) onLoadOlder();
    reportFirstVisible();
  }, [hasOlder, loadingOlder, onLoadOlder, reportFirstVisible]);

  // The view also moves without a scroll event (following output, a prepended page).
  useEffect(reportFirstVisible, [reportFirstVisible, total, messages.length]);

  // A first page shorter than the viewport cannot be scrolled up: fetch older ones directly.
  useEffect(() => {
    const el = scrollRef.current;
    if (el && loaded && hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight + LOAD_OLDER_PX) onLoadOlder();
  }, [loaded, hasOlder, loadingOlder, onLoadOlder, total]);

  if (!loaded && props.loadError) {
    return (
      <div className="message-list message-list--empty">
        <ErrorNotice error={new Error(props.loadError)} onRetry={props.onRetry} />
      </div>
    );
  }
  if (!loaded) {
    return (
      <div className="message-list message-list--loading">
        <Spinner label="Loading messages" />
      </div>
    );
  }
  if (messages.length === 0) {
    return (
      <div className="message-list message-list--empty">
        <EmptyState title="No messages yet">Describe a task below; the agent works in this session&apos;s worktree.</EmptyState>
      </div>
    );
  }
  return (
    <div className="message-list-wrap">
      <div
        ref={scrollRef}
        className="message-list"
        onScroll={onScroll}
        role="region"
        aria-label="Messages"
        tabIndex={0}
        data-testid="message-list"
      >
        <div className="message-list__inner" style={{ height: total }}>
          <div className="message-list__older" style={{ height: HEAD }}>
            {loadingOlder ? (
              <Spinner label="Loading older messages" />
            ) : hasOlder ? (
              <button type="button" className="link-button" onClick={onLoadOlder}>
                Load older messages
              </button>
            ) : (
              <span className="message-list__start">Start of chat</span>
            )}
          </div>
          {v.getVirtualItems().map((item) => {
            const m = messages[item.index]!;
            return (
              <div
                key={item.key}
                ref={v.measureElement}
                data-index={item.index}
                id={`msg-${m.id}`}
                className={`message-list__row${flashId === m.id ? ' message-list__row--flash' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageRow
                  message={m}
                  permissions={props.permissionsByMessage.get(m.id) ?? NO_PERMISSIONS}
                  task={m.task_id && !(m.role === 'user' && replied.has(m.task_id)) ? props.tasks[m.task_id] : undefined}
                  pinned={props.pinnedId === m.id}
                  onPin={props.onPin}
                  onCancelTask={props.onCancelTask}
                  needsTraces={props.needTraces.has(m.id)}
                  onNeedTraces={props.onNeedTraces}
                  onAnswerPermission={props.onAnswerPermission}
                  recovery={item.index === messages.length - 1 ? props.recovery : undefined}
                />
              </div>
            );
          })}
        </div>
      </div>
      {showJump ? (
        <button type="button" className="button jump-latest" onClick={scrollToBottom}>
          Jump to latest
        </button>
      ) : null}
    </div>
  );
});
