import { useEffect, useRef } from 'react';
import { isTyping } from './commands';

export interface ShortcutHandlers {
  palette: () => void;
  help: () => void;
  composer: () => void;
  board: () => void;
  cycle: (step: 1 | -1) => void;
}

/** The app's keyboard shortcuts (listed in the `?` overlay); single keys only outside text fields. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const h = latest.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        h.palette();
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        h.cycle(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const action = e.key === '?' ? h.help : e.key === '/' ? h.composer : e.key === 'b' || e.key === 'B' ? h.board : null;
      if (!action) return;
      e.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
