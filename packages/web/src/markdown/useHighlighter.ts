import { useEffect, useState } from 'react';

export type Highlighter = typeof import('./highlighter');

let loaded: Highlighter | null = null;
let loading: Promise<Highlighter> | null = null;

/** Loads the grammars once (a separate chunk); the first code block seen pays for it. */
export function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('./highlighter').then((m) => (loaded = m));
  return loading;
}

/**
 * The highlighter, or null until its chunk has arrived (the caller shows plain text, then
 * re-renders once). After that it is there synchronously, so streamed code never flickers.
 */
export function useHighlighter(): Highlighter | null {
  const [h, setH] = useState<Highlighter | null>(loaded);
  useEffect(() => {
    if (h) return;
    let live = true;
    void loadHighlighter().then((m) => live && setH(m));
    return () => {
      live = false;
    };
  }, [h]);
  return h;
}
