import { useState } from 'react';
import { ApiClientError, ServerUnreachableError } from '@boocode/client';
import { AttentionMenu } from '../attention/AttentionMenu';
import type { AttentionSettings } from '../attention/useAttentionSettings';
import { ThemeToggle } from '../theme/ThemeToggle';
import type { Theme } from '../theme/useTheme';
import { api, signedOutHere } from '../api';
import { ConfirmButton } from '../ui/ConfirmButton';
import { IconButton } from '../ui/IconButton';
import { ConnectionBadge } from './ConnectionBadge';
import { routeSearch } from './route';
import type { SocketStatus } from '@boocode/client';

export function TopBar({
  theme,
  onToggleTheme,
  sidebarOpen,
  onToggleSidebar,
  eventsStatus,
  attention,
  onAttentionChange,
  boardOpen,
  onOpenBoard,
}: {
  theme: Theme;
  onToggleTheme: () => void;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  eventsStatus: SocketStatus;
  attention: AttentionSettings;
  onAttentionChange: (patch: Partial<AttentionSettings>) => void;
  boardOpen: boolean;
  onOpenBoard: () => void;
}) {
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const logoutAll = () => {
    setLogoutError(null);
    api.call('logoutAll').then(signedOutHere, (err: unknown) => setLogoutError(logoutFailure(err)));
  };
  return (
    <header className="top-bar">
      <IconButton
        icon="menu"
        label={sidebarOpen ? 'Hide projects' : 'Show projects'}
        pressed={sidebarOpen}
        className="top-bar__menu"
        onClick={onToggleSidebar}
        aria-controls="sidebar"
      />
      <a className="top-bar__brand" href="/">
        BooCode
      </a>
      <a
        className="top-bar__link"
        href={`/${routeSearch({ sessionId: null, chatId: null, board: true })}`}
        aria-current={boardOpen ? 'page' : undefined}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          onOpenBoard();
        }}
      >
        All sessions
      </a>
      <div className="top-bar__spacer" />
      {eventsStatus !== 'live' ? <ConnectionBadge status={eventsStatus} /> : null}
      <AttentionMenu settings={attention} onChange={onAttentionChange} />
      <ThemeToggle theme={theme} onToggle={onToggleTheme} />
      <ConfirmButton
        icon="logout"
        label="Log out all browsers"
        question="Log out every browser, this one too?"
        confirmLabel="Log out all"
        onConfirm={logoutAll}
      />
      {logoutError ? (
        <div className="top-bar__alert" role="alert">
          <span>{logoutError}</span>
          <button type="button" className="link-button" onClick={() => setLogoutError(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </header>
  );
}

/** Why "log out all browsers" did not happen, as a sentence: every browser is still signed in. */
function logoutFailure(err: unknown): string {
  const still = 'Every browser is still signed in.';
  if (err instanceof ServerUnreachableError) return `Could not log out: the BooCode server did not answer. ${still}`;
  if (err instanceof ApiClientError && err.status < 500) return `Could not log out: ${err.message}. ${still}`;
  return `Could not log out: the server failed to do it. ${still} Try again.`;
}
