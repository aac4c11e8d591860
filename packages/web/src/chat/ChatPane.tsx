import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { MessageImageList, type PermissionOption, type PostMessageResponse, type RecoverAction, type Session } from '@boocode/contracts';
import { api } from '../api';
import { usePinnedMessage } from '../shell/usePinnedMessage';
import { decisionFor } from '../stream/fromApi';
import { upsertMessage } from '../stream/history';
import type { SessionStore, SessionView } from '../stream/SessionStore';
import type { PermissionView, UiMessage } from '../stream/sessionState';
import { Composer, type Draft } from './Composer';
import { MessageList, type MessageListHandle } from './MessageList';
import { PendingPermissions } from './PendingPermissions';
import { PinnedBanner } from './PinnedBanner';
import { QueueStrip } from './QueueStrip';
import type { Recovery } from './RecoverActions';
import { TurnStatus } from './TurnStatus';
import { useMessagesWithTraces } from './useMessagesWithTraces';
import { useSameItems } from './useSameItems';

const EMPTY: UiMessage[] = [];
const NO_PLACED: { permissionsByMessage: ReadonlyMap<string, PermissionView[]>; unplaced: PermissionView[] } = { permissionsByMessage: new Map(), unplaced: [] };
/** How many older pages a `#pin=` link may walk back to find its message. */
const PIN_SEARCH_PAGES = 20;

/** One chat: its messages, the running turn, queued messages and the input box. */
export function ChatPane({
  store,
  view,
  session,
  chatId,
  listRef,
  onFirstVisible,
}: {
  store: SessionStore;
  view: SessionView;
  session: Session;
  chatId: string;
  listRef: RefObject<MessageListHandle | null>;
  onFirstVisible: (index: number) => void;
}) {
  useEffect(() => store.watchChat(chatId), [store, chatId]);
  const { state } = view;
  const log = state.logs[chatId];
  const inFlightIds = useMemo(() => new Set(state.inFlight.map((t) => t.message_id)), [state.inFlight]);
  const { messages, needTraces } = useMessagesWithTraces(chatId, log?.messages ?? EMPTY, state.traces, state.usage[chatId], inFlightIds);
  const tasks = state.tasks;

  // Requests show in their message when it is loaded, else above the input box. Most chats have
  // none: then nothing is rebuilt when a delta changes the messages.
  const chatPermissions = useMemo(() => state.permissions.filter((p) => p.chatId === chatId), [state.permissions, chatId]);
  const placed = useMemo(() => {
    if (chatPermissions.length === 0) return NO_PLACED;
    const loaded = new Set(messages.map((m) => m.id));
    const byMessage = new Map<string, PermissionView[]>();
    const rest: PermissionView[] = [];
    for (const p of chatPermissions) {
      if (p.messageId && loaded.has(p.messageId)) byMessage.set(p.messageId, [...(byMessage.get(p.messageId) ?? []), p]);
      else if (!p.resolved) rest.push(p);
    }
    return { permissionsByMessage: byMessage, unplaced: rest };
  }, [chatPermissions, messages]);
  const { permissionsByMessage } = placed;
  const unplaced = useSameItems(placed.unplaced);

  const answerPermission = useCallback(
    (permissionId: string, option: PermissionOption) => store.answerPermission(permissionId, decisionFor(option.kind)),
    [store],
  );
  const needTurnTraces = useCallback((turn: number) => store.ensureTurnTraces(chatId, turn), [store, chatId]);

  const inFlight = state.inFlight.find((t) => t.chat_id === chatId);
  const runningTask = Object.entries(tasks).find(([, t]) => t.chatId === chatId && t.status === 'running')?.[0];
  const running = inFlight !== undefined || runningTask !== undefined;
  const pending = useMemo(
    () => messages.filter((m) => m.role === 'user' && m.task_id && tasks[m.task_id]?.status === 'pending'),
    [messages, tasks],
  );
  const queued = useSameItems(pending);

  const loadOlder = useCallback(() => void store.loadOlder(chatId), [store, chatId]);

  const onPosted = useCallback(
    (r: PostMessageResponse) => {
      listRef.current?.scrollToBottom();
      store.update((s) => {
        const next = upsertMessage(s, r.message);
        // A frame may already have moved the task past `pending`.
        if (next.tasks[r.task.id]) return next;
        return { ...next, tasks: { ...next.tasks, [r.task.id]: { status: r.task.status, chatId, error: r.task.error } } };
      });
    },
    [store, chatId, listRef],
  );

  const cancelTask = useCallback(
    async (taskId: string) => {
      const t = await api.call('cancelTask', { params: { id: taskId } });
      store.update((s) => ({ ...s, tasks: { ...s.tasks, [t.id]: { status: t.status, chatId: t.chat_id, error: t.error } } }));
    },
    [store],
  );

  const stop = useCallback(async () => {
    const taskId = inFlight?.task_id ?? runningTask;
    if (taskId) await cancelTask(taskId);
    else await api.call('cancelSession', { params: { id: session.id } });
  }, [inFlight, runningTask, cancelTask, session.id]);

  // #pin=<id>: page back until the message is loaded, then scroll to it once.
  const [pin, setPin] = usePinnedMessage();
  const pinFound = pin !== null && messages.some((m) => m.id === pin);
  const pinPages = useRef(0);
  const pinShown = useRef<string | null>(null);
  useEffect(() => {
    if (!pin || !log?.loaded) return;
    if (pinFound) {
      if (pinShown.current !== pin) {
        pinShown.current = pin;
        // Wait a frame so the list has laid out the loaded rows.
        requestAnimationFrame(() => listRef.current?.scrollToMessage(pin));
      }
      return;
    }
    if (log.olderCursor && !view.loadingOlder.has(chatId) && pinPages.current < PIN_SEARCH_PAGES) {
      pinPages.current++;
      void store.loadOlder(chatId);
    }
  }, [pin, pinFound, log, view.loadingOlder, chatId, store, listRef]);

  const onCancelTask = useCallback((id: string) => void cancelTask(id), [cancelTask]);

  // Edit and resend: the turn's prompt and its images go back in the input box (a new draft each time, even the same text).
  const [draft, setDraft] = useState<Draft | null>(null);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  const busy = running || queued.length > 0;
  const recovery = useMemo<Recovery>(
    () => ({
      busy,
      recover: async (taskId: string, action: RecoverAction) => onPosted(await api.call('recoverTask', { params: { id: taskId }, body: { action } })),
      edit: (taskId: string) => {
        const prompt = messagesRef.current.find((m) => m.role === 'user' && m.task_id === taskId);
        if (!prompt) return;
        const images = MessageImageList.safeParse(prompt.metadata.images);
        setDraft({ text: prompt.content, images: images.success ? images.data : [], key: Date.now() });
      },
    }),
    [busy, onPosted],
  );

  return (
    <div className="chat-pane" role="tabpanel" id="chat-panel" aria-labelledby={`tab-${chatId}`}>
      {pin ? (
        <PinnedBanner
          found={pinFound}
          onJump={() => listRef.current?.scrollToMessage(pin)}
          onClear={() => setPin(null)}
        />
      ) : null}
      <MessageList
        ref={listRef}
        messages={messages}
        loaded={log?.loaded ?? false}
        loadError={view.loadError}
        onRetry={() => store.retry()}
        hasOlder={Boolean(log?.olderCursor)}
        loadingOlder={view.loadingOlder.has(chatId)}
        onLoadOlder={loadOlder}
        permissionsByMessage={permissionsByMessage}
        tasks={tasks}
        pinnedId={pin}
        onPin={setPin}
        onCancelTask={onCancelTask}
        needTraces={needTraces}
        onNeedTraces={needTurnTraces}
        onAnswerPermission={answerPermission}
        onFirstVisible={onFirstVisible}
        recovery={session.status === 'open' ? recovery : undefined}
      />
      <PendingPermissions permissions={unplaced} onAnswer={answerPermission} />
      <TurnStatus turn={inFlight} starting={runningTask !== undefined} />
      <QueueStrip queued={queued} onCancel={onCancelTask} />
      {session.status === 'archived' ? (
        <p className="chat-pane__archived">This session is archived: its history stays readable, new messages are not accepted until it is unarchived.</p>
      ) : (
        <Composer
          session={session}
          chatId={chatId}
          running={running}
          agentView={state.chatAgents[chatId]}
          onPosted={onPosted}
          onStop={stop}
          draft={draft}
        />
      )}
    </div>
  );
}
