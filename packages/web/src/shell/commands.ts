import type { Project, Session, SnippetPart } from '@boocode/contracts';

/** Something the command palette can do. */
export interface PaletteCommand {
  id: string;
  label: string;
  /** Shown dimmed after the label (the project of a session, a shortcut). */
  hint: string;
  /** A search hit's text, shown with its matched words marked instead of the label. */
  snippet?: SnippetPart[];
  run: () => void;
}

export interface CommandActions {
  openSession: (id: string) => void;
  newSession: (projectId: string) => void;
  openBoard: () => void;
  toggleSidebar: () => void;
  toggleTheme: () => void;
}

/** Every command, sessions first (the common case is "go to ..."). */
export function paletteCommands(sessions: readonly Session[], projects: readonly Project[], a: CommandActions): PaletteCommand[] {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  return [
    ...sessions
      .filter((s) => s.status === 'open')
      .map((s) => ({ id: `go:${s.id}`, label: `Go to ${s.name}`, hint: names.get(s.project_id) ?? '', run: () => a.openSession(s.id) })),
    ...projects.map((p) => ({ id: `new:${p.id}`, label: `New session in ${p.name}`, hint: '', run: () => a.newSession(p.id) })),
    { id: 'board', label: 'Show all sessions', hint: 'B', run: a.openBoard },
    { id: 'sidebar', label: 'Show or hide projects', hint: '', run: a.toggleSidebar },
    { id: 'theme', label: 'Switch theme', hint: '', run: a.toggleTheme },
  ];
}

/** Commands whose label and hint hold every word typed, in any order, ignoring case. */
export function filterCommands(commands: readonly PaletteCommand[], query: string): PaletteCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  return commands.filter((c) => {
    const text = `${c.label} ${c.hint}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The keys the app answers to, for the help overlay. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'Ctrl K / ⌘ K', what: 'Open the command palette' },
  { keys: '/', what: 'Write a message (focus the composer)' },
  { keys: 'Alt ↓ / Alt ↑', what: 'Next or previous session' },
  { keys: 'B', what: 'Show all sessions' },
  { keys: '?', what: 'Show these shortcuts' },
  { keys: 'Esc', what: 'Close a dialog, the form or the drawer' },
];

/** True when a key press is text typed into a field, which single-key shortcuts must leave alone. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable], .xterm') !== null;
}
