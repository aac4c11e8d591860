import type { SearchHit } from '@boocode/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized } from '../api';
import { useAttention } from '../attention/useAttention';
import { useAttentionSettings } from '../attention/useAttentionSettings';
import { Board } from '../board/Board';
import { sessionCommands, type PanelRequest } from '../palette/sessionCommands';
import { useWorkflowCatalog } from '../palette/useWorkflowCatalog';
import { SessionView } from '../session/SessionView';
import { Sidebar } from '../sidebar/Sidebar';
import { WorkspaceContext, useWorkspace } from '../stream/useWorkspace';
import { WorkspaceStore } from '../stream/WorkspaceStore';
import { useTheme } from '../theme/useTheme';
import { EmptyState } from '../ui/EmptyState';
import { SignInScreen } from './SignInScreen';
import { CommandPalette } from './CommandPalette';
import { paletteCommands } from './commands';
import { ShortcutHelp } from './ShortcutHelp';
import { TopBar } from './TopBar';
import { useShortcuts } from './useShortcuts';
import { useEscape } from './useEscape';
import { useRoute } from './useRoute';

const NARROW = '(max-width: 900px)';

export function App() {
  const [signedOut, setSignedOut] = useState(false);
  const [store, setStore] = useState<WorkspaceStore | null>(null);
  useEffect(() => onUnauthorized(() => setSignedOut(true)), []);
  useEffect(() => {
    const s = new WorkspaceStore({ listProjects: () => api.call('listProjects'), listSessions: () => api.call('listSessions') });
    s.start();
    setStore(s);
    return () => s.stop();
  }, []);
  if (signedOut) return <SignInScreen />;
  if (!store) return null;
  return (
    <WorkspaceContext.Provider value={store}>
      <Workspace />
    </WorkspaceContext.Provider>
  );
}

function Workspace() {
  const { store, view } = useWorkspace();
  const [theme, toggleTheme] = useTheme();
  const [route, navigate] = useRoute();
  const [sidebarOpen, setSidebarOpen] = useState(() => !matchMedia(NARROW).matches);
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  // Crossing the breakpoint resets the sidebar: a column on wide screens, a closed drawer on narrow.
  useEffect(() => {
    const mq = matchMedia(NARROW);
    const onChange = () => {
      setNarrow(mq.matches);
      setSidebarOpen(!mq.matches);
    };
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);

  const openSession = useCallback(
    (id: string) => {
      navigate({ sessionId: id, chatId: null });
      // On a narrow screen the sidebar covers the chat: get it out of the way.
      if (matchMedia(NARROW).matches) setSidebarOpen(false);
    },
    [navigate],
  );
  const [attention, setAttention] = useAttentionSettings();
  useAttention({ sessions: view.sessions, loaded: view.loaded, currentSessionId: route.sessionId, settings: attention, onOpenSession: openSession });
  // The drawer covers the chat on a narrow screen: Escape closes it wherever focus is.
  useEscape(narrow && sidebarOpen, () => setSidebarOpen(false));
  const [overlay, setOverlay] = useState<'palette' | 'help' | null>(null);
  // A search hit: its chat, with the message pinned (scrolled to and flashed) when it is one.
  const openHit = useCallback(
    (hit: SearchHit) => {
      navigate({ sessionId: hit.session_id, chatId: hit.chat_id });
      if (hit.message_id) location.hash = `pin=${hit.message_id}`;
      if (matchMedia(NARROW).matches) setSidebarOpen(false);
    },
    [navigate],
  );
  const openBoard = useCallback(() => navigate({ sessionId: null, chatId: null, board: true }), [navigate]);
  // Sessions in the order the sidebar lists them, for cycling through with the keyboard.
  const ordered = useMemo(() => {
    const open = view.sessions.filter((s) => s.status === 'open');
    return view.projects.flatMap((p) => open.filter((s) => s.project_id === p.id));
  }, [view.sessions, view.projects]);
  // Panels and workflows are offered while a session is open: the palette asks its view for them.
  const [panelRequest, setPanelRequest] = useState<PanelRequest | null>(null);
  const openProjectId = view.sessions.find((s) => s.id === route.sessionId)?.project_id ?? null;
  const workflows = useWorkflowCatalog(openProjectId, overlay === 'palette');
  const inSession = useMemo(
    () => (route.sessionId ? sessionCommands(workflows, (r) => setPanelRequest({ ...r, key: Date.now() })) : []),
    [route.sessionId, workflows],
  );
  const commands = useMemo(
    () => [
      ...inSession,
      ...paletteCommands(ordered, view.projects, {
        openSession,
        openBoard,
        toggleTheme,
        toggleSidebar: () => setSidebarOpen((v) => !v),
        newSession: (projectId) => {
          api
            .call('createSession', { body: { project_id: projectId } })
            .then((s) => {
              store.upsertSession(s);
              openSession(s.id);
            })
            .catch((err: unknown) => window.alert(`The session could not be started: ${err instanceof Error ? err.message : String(err)}`));
        },
      }),
    ],
    [inSession, ordered, view.projects, openSession, openBoard, toggleTheme, store],
  );
  useShortcuts({
    palette: () => setOverlay((o) => (o === 'palette' ? null : 'palette')),
    help: () => setOverlay('help'),
    board: openBoard,
    composer: () => document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus(),
    cycle: (step) => {
      if (ordered.length === 0) return;
      const at = ordered.findIndex((s) => s.id === route.sessionId);
      const next = at < 0 ? (step === 1 ? 0 : ordered.length - 1) : (at + step + ordered.length) % ordered.length;
      openSession(ordered[next]!.id);
    },
  });
  // A link naming a chat of another session: that session, in place of the wrong address.
  const openElsewhere = useCallback(
    (sessionId: string, chatId: string) => navigate({ sessionId, chatId }, { replace: true }),
    [navigate],
  );
  const selectChat = useCallback(
    (chatId: string, opts?: { replace?: boolean }) => navigate({ sessionId: route.sessionId, chatId }, opts),
    [navigate, route.sessionId],
  );

  return (
    <div className={`app${sidebarOpen ? ' app--sidebar-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar
        theme={theme}
        onToggleTheme={toggleTheme}
        sidebarOpen={sidebarOpen}
        onToggleSidebar={() => setSidebarOpen((v) => !v)}
        eventsStatus={view.status}
        attention={attention}
        onAttentionChange={setAttention}
        boardOpen={route.board === true}
        onOpenBoard={openBoard}
      />
      {narrow && sidebarOpen ? (
        <button type="button" className="app__scrim" aria-label="Hide projects" tabIndex={-1} onClick={() => setSidebarOpen(false)} />
      ) : null}
      <div
        className="app__sidebar"
        id="sidebar"
        hidden={!sidebarOpen}
      >
        <Sidebar currentSessionId={route.sessionId} onOpenSession={openSession} />
      </div>
      <main className="app__main" id="main" tabIndex={-1}>
        {route.sessionId ? (
          <SessionView
            key={route.sessionId}
            sessionId={route.sessionId}
            chatId={route.chatId}
            onSelectChat={selectChat}
            onOpenElsewhere={openElsewhere}
            request={panelRequest}
          />
        ) : route.board ? (
          <Board onOpenSession={openSession} />
        ) : (
          <EmptyState title="No session open">Pick a session in the sidebar, or start one with the + next to a project.</EmptyState>
        )}
      </main>
      {overlay === 'palette' ? <CommandPalette commands={commands} onOpenHit={openHit} onClose={() => setOverlay(null)} /> : null}
      {overlay === 'help' ? <ShortcutHelp onClose={() => setOverlay(null)} /> : null}
    </div>
  );
}
