import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import '@xterm/xterm/css/xterm.css';
import type { Terminal, TerminalExitReason } from '@boocode/contracts';
import { TerminalSocket, terminalStreamUrl, type SocketStatus } from '@boocode/client';
import type { Theme } from '../theme/useTheme';
import { messageFor } from './terminalErrors';
import { terminalTheme } from './terminalTheme';

/** What the panel's toolbar does to the terminal shown. */
export interface TerminalViewHandle {
  find(query: string, direction: 'next' | 'previous'): boolean;
  clearFind(): void;
  copy(): Promise<boolean>;
  paste(): Promise<void>;
  focus(): void;
}

const SEARCH: ISearchOptions = {
  caseSensitive: false,
  decorations: {
    matchBackground: '#f0c45a66',
    matchOverviewRuler: '#f0c45a',
    activeMatchBackground: '#ff9f1c',
    activeMatchColorOverviewRuler: '#ff9f1c',
  },
};

const FONT = "ui-monospace, 'SF Mono', 'Cascadia Code', 'JetBrains Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace";

const STATUS_TEXT: Partial<Record<SocketStatus, string>> = {
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting… output printed meanwhile will show when it is back.',
  unauthorized: 'You are signed out. Open a new login link to continue.',
};


/**
 * One terminal in xterm.js over its WebSocket. The screen always has the terminal's size as the server
 * reports it (snapshot, resize); when the pane's room differs, a resize is asked for and the answer
 * resizes the screen, so two browsers show the same grid. Every (re)connect starts from a snapshot.
 */
export const TerminalView = forwardRef<
  TerminalViewHandle,
  { terminal: Terminal; theme: Theme; onEnded: (reason: TerminalExitReason) => void; onSearchResults: (r: { index: number; count: number }) => void }
>(function TerminalView({ terminal, theme, onEnded, onSearchResults }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const xterm = useRef<{ term: XTerm; search: SearchAddon } | null>(null);
  const [status, setStatus] = useState<SocketStatus>('connecting');
  const [notice, setNotice] = useState<string | null>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;
  const results = useRef(onSearchResults);
  results.current = onSearchResults;

  useEffect(() => {
    const el = host.current!;
    const term = new XTerm({
      fontFamily: FONT,
      fontSize: 13,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 10_000,
      allowProposedApi: true,
      theme: terminalTheme(theme),
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon((_ev, uri) => window.open(uri, '_blank', 'noopener,noreferrer')));
    term.open(el);
    // The GPU renderer where the browser has WebGL; the DOM renderer otherwise, and after a lost context.
    try {
      const gl = new WebglAddon();
      gl.onContextLoss(() => gl.dispose());
      term.loadAddon(gl);
    } catch {
      // no WebGL: the default renderer stays
    }
    search.onDidChangeResults((r) => results.current({ index: r.resultIndex, count: r.resultCount }));
    xterm.current = { term, search };

    const socket = new TerminalSocket({
      url: terminalStreamUrl(location.origin, terminal.id),
      onSnapshot: ({ cols, rows }) => {
        term.reset();
        if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
        setNotice(null);
        askForRoom();
      },
      onOutput: (bytes) => term.write(bytes),
      onResize: ({ cols, rows }) => {
        if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
      },
      onExit: (reason) => {
        setNotice(reason === 'killed' ? 'This terminal was closed.' : 'The shell has exited.');
        ended.current(reason);
      },
      onError: (e) => setNotice(messageFor(e.code, e.message)),
      onStatus: setStatus,
    });
    /** Asks the server for the size that fills the pane, if the screen has another one. */
    const askForRoom = () => {
      const want = fit.proposeDimensions();
      if (!want || !Number.isFinite(want.cols) || !Number.isFinite(want.rows)) return;
      const size = { cols: Math.max(2, want.cols), rows: Math.max(1, want.rows) };
      if (size.cols !== term.cols || size.rows !== term.rows) socket.resize(size);
    };
    const encoder = new TextEncoder();
    const typed = term.onData((data) => socket.write(encoder.encode(data)));
    const typedBinary = term.onBinary((data) => socket.write(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    term.attachCustomKeyEventHandler((ev) => {
      // Ctrl+Shift+C / Ctrl+Shift+V copy and paste, as in desktop terminals (Ctrl+C stays an interrupt).
      if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey) return true;
      if (ev.code === 'KeyC') {
        void copySelection(term);
        return false;
      }
      if (ev.code === 'KeyV') {
        void pasteInto(term);
        return false;
      }
      return true;
    });
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(askForRoom);
    });
    observer.observe(el);
    const online = () => socket.reconnectNow();
    window.addEventListener('online', online);
    socket.start();
    term.focus();
    return () => {
      window.removeEventListener('online', online);
      cancelAnimationFrame(frame);
      observer.disconnect();
      typed.dispose();
      typedBinary.dispose();
      socket.stop();
      term.dispose();
      xterm.current = null;
    };
    // The theme is applied by the effect below, without reconnecting.
  }, [terminal.id]);

  useEffect(() => {
    if (xterm.current) xterm.current.term.options.theme = terminalTheme(theme);
  }, [theme]);

  useImperativeHandle(
    ref,
    () => ({
      find: (query, direction) => {
        const x = xterm.current;
        if (!x || !query) return false;
        return direction === 'next' ? x.search.findNext(query, SEARCH) : x.search.findPrevious(query, SEARCH);
      },
      clearFind: () => {
        xterm.current?.search.clearDecorations();
        xterm.current?.term.clearSelection();
      },
      copy: async () => (xterm.current ? copySelection(xterm.current.term) : false),
      paste: async () => {
        if (xterm.current) await pasteInto(xterm.current.term);
      },
      focus: () => xterm.current?.term.focus(),
    }),
    [],
  );

  const statusText = notice ?? STATUS_TEXT[status] ?? null;
  return (
    <div
      className="terminal-view"
      // Keys typed here belong to the shell (Escape in vim), not to the panel around it.
      onKeyDown={(e) => e.stopPropagation()}
    >
      <div ref={host} className="terminal-view__screen" data-testid="terminal-screen" />
      {statusText ? (
        <div className="terminal-view__status" role="status">
          {statusText}
        </div>
      ) : null}
    </div>
  );
});

async function copySelection(term: XTerm): Promise<boolean> {
  const text = term.getSelection();
  if (!text) return false;
  await navigator.clipboard.writeText(text);
  return true;
}

async function pasteInto(term: XTerm): Promise<void> {
  const text = await navigator.clipboard.readText();
  // paste() wraps the text in bracketed-paste markers when the program asked for them.
  if (text) term.paste(text);
}
