import { useEffect, useRef } from 'react';

/** Open things that close on Escape, the most recently opened last. */
const stack: { current: () => void }[] = [];

function onKey(e: KeyboardEvent): void {
  const top = stack[stack.length - 1];
  if (e.key !== 'Escape' || e.defaultPrevented || !top) return;
  e.preventDefault();
  top.current();
}

/**
 * Escape anywhere on the page closes what is open, wherever focus is; with several open (a
 * dialog over the drawer), the one opened last closes first.
 */
export function useEscape(active: boolean, onEscape: () => void): void {
  const latest = useRef(onEscape);
  latest.current = onEscape;
  useEffect(() => {
    if (!active) return;
    const entry = { current: () => latest.current() };
    stack.push(entry);
    if (stack.length === 1) document.addEventListener('keydown', onKey);
    return () => {
      stack.splice(stack.indexOf(entry), 1);
      if (stack.length === 0) document.removeEventListener('keydown', onKey);
    };
  }, [active]);
}
