import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Chat, TurnUsage } from '@boocode/contracts';
import { ApiClientError } from '@boocode/client';
import { api } from '../api';
import type { MessageListHandle } from '../chat/MessageList';
import { ChatPane } from '../chat/ChatPane';
import { ChatTabs } from '../chat/ChatTabs';
import { useSessionStore } from '../stream/useSessionStore';
import { SessionTimeline } from '../timeline/SessionTimeline';
import { turnInView } from '../timeline/turns';
import { ChangesPanel } from '../diff/ChangesPanel';
import type { BranchActions } from '../diff/BranchBar';
import type { PanelMode, ReviewActions } from '../diff/DiffPane';
import { PanelResizer, useDiffPanelWidth } from '../diff/PanelResizer';
import { TraceViewer } from '../traces/TraceViewer';
import { EmptyState } from '../ui/EmptyState';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Spinner } from '../ui/Spinner';
import { SessionHeader } from './SessionHeader';
import { SetupOutput } from './SetupOutput';
import { StrayLinkNotice } from './StrayLinkNotice';
import { SidePanel } from './SidePanel';
import { usePanel } from './usePanel';
import type { PanelRequest } from '../palette/sessionCommands';
import { SubagentsBadge } from '../subagents/SubagentsBadge';
import { SubagentsPane } from '../subagents/SubagentsPane';
import { isActive, useSubagents } from '../subagents/useSubagents';
import { useWorkflowStore } from '../workflows/useWorkflowStore';

const NO_USAGE: TurnUsage[] = [];
// xterm.js is loaded only when a terminal pane is first opened.
const TerminalPanel = lazy(() => import('../terminal/TerminalPanel'));
const WorkflowsPanel = lazy(() => import('../workflows/WorkflowsPanel'));

/** An open session: header, chat tabs, the current chat, and the timeline or trace panel. */
export function SessionView({
  sessionId,
  chatId,
  onSelectChat,
  onOpenElsewhere,
  request,
}: {
  sessionId: string;
  chatId: string | null;
  onSelectChat: (chatId: string, opts?: { replace?: boolean }) => void;
  /** Opens a chat of another session in place of this address (a link naming the wrong session). */
  onOpenElsewhere: (sessionId: string, chatId: string) => void;
  /** A panel (and maybe a workflow to launch) asked for from the command palette. */
  request: PanelRequest | null;
}) {
  const live = useSessionStore(sessionId, chatId);
  const [panel, setPanel] = usePanel();
  const listRef = useRef<MessageListHandle>(null);
  const [firstVisible, setFirstVisible] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  /** The Changes panel beside the chat, over it (a wide diff), or in a window over the page. */
  const [diffMode, setDiffMode] = useState<PanelMode>('side');
  const [diffWidth, setDiffWidth] = useDiffPanelWidth();

  const state = live?.view.state;
  const subagents = useSubagents(live?.store ?? null, state ?? null);
  // Kept here, not in the workflows panel: the timeline shows the runs too.
  const workflows = useWorkflowStore(live?.store ?? null);
  const [runToOpen, setRunToOpen] = useState<string | null>(null);
  const [toLaunch, setToLaunch] = useState<{ name: string; key: number } | null>(null);
  // A request made before this session was opened was meant for another one.
  const openedAt = useRef(Date.now());
  useEffect(() => {
    if (!request || request.key < openedAt.current) return;
    setPanel(request.panel);
    if (request.workflow) setToLaunch({ name: request.workflow, key: request.key });
  }, [request, setPanel]);
  const chats = state?.chats ?? [];
  const current: Chat | undefined = chats.find((c) => c.id === chatId) ?? chats[0];
  const messages = (current && state?.logs[current.id]?.messages) || [];

  const stray = live?.view.strayLink ?? null;
  const elsewhere = stray?.sessionId && stray.sessionId !== sessionId ? stray.sessionId : null;
  // Show the chat in the address bar once it is known, so a reload comes back to it; a linked
  // chat of another session opens there instead.
  useEffect(() => {
    if (elsewhere && stray) onOpenElsewhere(elsewhere, stray.chatId);
    else if (current && current.id !== chatId) onSelectChat(current.id, { replace: true });
  }, [current, chatId, onSelectChat, elsewhere, stray, onOpenElsewhere]);

  const agentTitles = useMemo(
    () => Object.fromEntries(Object.entries(state?.chatAgents ?? {}).map(([id, a]) => [id, a.title])),
    [state?.chatAgents],
  );
  const prompts = useMemo(() => messages.filter((m) => m.role === 'user').map((m) => m.content), [messages]);
  const runningChatIds = useMemo(() => new Set(state?.inFlight.map((t) => t.chat_id) ?? []), [state?.inFlight]);
  const currentTurn = useMemo(() => turnInView(messages, firstVisible), [messages, firstVisible]);
  const liveStore = live?.store;
  const currentChatId = current?.id;
  // A turn whose message is not loaded yet: page back until it is, then scroll to it.
  const scrollTo = useCallback(
    async (id: string) => {
      for (let page = 0; page < 50; page++) {
        if (listRef.current?.scrollToMessage(id)) return;
        if (!liveStore || !currentChatId || !(await liveStore.loadOlder(currentChatId))) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      listRef.current?.scrollToMessage(id);
    },
    [liveStore, currentChatId],
  );
  const openTurn = useCallback(
    (turn: number) => currentChatId && liveStore?.ensureTurnTraces(currentChatId, turn),
    [liveStore, currentChatId],
  );
  const moreTurn = useCallback(
    (turn: number) => currentChatId && liveStore?.loadMoreTurnTraces(currentChatId, turn),
    [liveStore, currentChatId],
  );
  const loadChange = useCallback(() => void liveStore?.loadChange(), [liveStore]);
  // After an action the change's new state arrives as `diff_updated`; reload at once anyway.
  const reviewActions = useMemo<ReviewActions & BranchActions>(
    () => ({
      apply: (changeId) => api.call('applyChange', { params: { id: sessionId }, body: { change_id: changeId } }).finally(loadChange),
      reject: (changeId) => api.call('rejectChange', { params: { id: sessionId }, body: { change_id: changeId } }).finally(loadChange),
      merge: (body) => api.call('mergeSession', { params: { id: sessionId }, body }).finally(loadChange),
      status: () => api.call('getSessionBranch', { params: { id: sessionId } }),
      updateFromBase: () => api.call('updateFromBase', { params: { id: sessionId } }),
      push: (body) => api.call('pushSession', { params: { id: sessionId }, body }),
      sendComments: (content) => {
        if (!currentChatId) return Promise.reject(new Error('this session has no chat to send them to'));
        return api.call('postMessage', { params: { id: currentChatId }, body: { content } });
      },
    }),
    [sessionId, loadChange, currentChatId],
  );

  // The header and tabs are memoized and the store changes with every streamed delta: their
  // handlers and badge must keep their identity, or each delta renders them again.
  const reconnect = useCallback(() => liveStore?.reconnectNow(), [liveStore]);
  const archive = useCallback(
    () =>
      void api.call('archiveSession', { params: { id: sessionId } }).then(
        (s) => liveStore?.update((st) => ({ ...st, session: s })),
        (err: unknown) => setActionError(err),
      ),
    [sessionId, liveStore],
  );
  const activeSubagents = subagents.items.filter(isActive).length;
  const badge = useMemo(() => <SubagentsBadge active={activeSubagents} onOpen={() => setPanel('agents')} />, [activeSubagents, setPanel]);
  const chatCreated = useCallback(
    (c: Chat) => {
      liveStore?.update((s) => (s.chats.some((x) => x.id === c.id) ? s : { ...s, chats: [...s.chats, c] }));
      onSelectChat(c.id);
    },
    [liveStore, onSelectChat],
  );

  if (!live) return <Spinner label="Opening session" />;
  const { store, view } = live;
  const session = view.state.session;
  if (elsewhere) return <Spinner label="Opening the linked chat" />;
  if (!session) {
    return view.loadError ? (
      <div className="session-view__error">
        <ErrorNotice error={new Error(view.loadError)} onRetry={() => store.retry()} />
      </div>
    ) : (
      <Spinner label="Loading session" />
    );
  }

  const changesOpen = panel === 'changes';
  return (
    <div
      className={`session-view${panel ? ` session-view--with-panel session-view--with-${panel}` : ''}${
        changesOpen && diffMode !== 'side' ? ` session-view--panel-${diffMode}` : ''
      }`}
      style={changesOpen && diffMode === 'side' && diffWidth ? ({ '--panel': `${diffWidth}px` } as CSSProperties) : undefined}
    >
      <SessionHeader
        session={session}
        status={view.status}
        syncing={view.syncing}
        invalidFrames={view.invalidFrames}
        panel={panel}
        onPanel={setPanel}
        onReconnect={reconnect}
        badge={badge}
        onArchive={archive}
      />
      {actionError ? <ErrorNotice error={actionError} compact /> : null}
      {view.state.lastError ? (
        <ErrorNotice error={new ApiClientError(500, view.state.lastError.code, view.state.lastError.message)} compact />
      ) : null}
      {view.state.setupOutput ? <SetupOutput text={view.state.setupOutput} /> : null}
      {stray && !stray.sessionId ? <StrayLinkNotice onDismiss={() => store.dismissStrayLink()} /> : null}
      {view.loadError && messages.length > 0 ? <ErrorNotice error={new Error(view.loadError)} onRetry={() => store.retry()} compact /> : null}
      <div className="session-view__body">
        <section className="session-view__chat" aria-label="Chat">
          <ChatTabs
            sessionId={session.id}
            chats={chats}
            currentId={current?.id ?? null}
            runningChatIds={runningChatIds}
            agentTitles={agentTitles}
            onSelect={onSelectChat}
            onCreated={chatCreated}
          />
          {current ? (
            <ChatPane
              key={current.id}
              store={store}
              view={view}
              session={session}
              chatId={current.id}
              listRef={listRef}
              onFirstVisible={setFirstVisible}
            />
          ) : (
            <EmptyState title="This session has no chats" />
          )}
        </section>
        {panel ? (
          <>
            {changesOpen && diffMode === 'modal' ? <div className="panel-backdrop" aria-hidden="true" onClick={() => setDiffMode('side')} /> : null}
            <SidePanel
              kind={panel}
              onClose={() => setPanel(null)}
              resizer={changesOpen && diffMode === 'side' ? <PanelResizer width={diffWidth} onWidth={setDiffWidth} /> : undefined}
            >
              {panel === 'timeline' ? (
                <SessionTimeline
                  messages={messages}
                  usage={current ? view.state.usage[current.id] ?? NO_USAGE : NO_USAGE}
                  currentMessageId={currentTurn}
                  onSelect={(id) => void scrollTo(id)}
                  runs={workflows.state.runs ?? undefined}
                  liveRuns={workflows.state.details}
                  onOpenRun={(id) => {
                    setRunToOpen(id);
                    setPanel('workflows');
                  }}
                />
              ) : panel === 'traces' ? (
                current ? (
                  <TraceViewer
                    sessionId={session.id}
                    chatId={current.id}
                    messages={messages}
                    usage={view.state.usage[current.id] ?? NO_USAGE}
                    traces={view.state.traces}
                    onOpenTurn={openTurn}
                    onLoadMore={moreTurn}
                    subagents={subagents.items}
                  />
                ) : null
              ) : panel === 'workflows' ? (
                <Suspense fallback={<Spinner label="Loading workflows" />}>
                  <WorkflowsPanel sessionStore={store} view={view} session={session} workflows={workflows} openRunId={runToOpen} launch={toLaunch} />
                </Suspense>
              ) : panel === 'agents' ? (
                <SubagentsPane items={subagents.items} error={subagents.error} onOpenChat={(id) => onSelectChat(id)} />
              ) : panel === 'terminal' ? (
                <Suspense fallback={<Spinner label="Loading the terminal" />}>
                  <TerminalPanel session={session} />
                </Suspense>
              ) : (
                <ChangesPanel
                  change={view.state.change}
                  summary={view.state.diff}
                  collisions={view.state.collisions}
                  defaultBranch={session.base_branch ?? 'main'}
                  actions={reviewActions}
                  onLoad={loadChange}
                  turnRunning={(state?.inFlight.length ?? 0) > 0}
                  branch={reviewActions}
                  mode={diffMode}
                  onMode={setDiffMode}
                  prompts={prompts}
                />
              )}
            </SidePanel>
          </>
        ) : null}
      </div>
    </div>
  );
}
