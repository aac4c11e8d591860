import { useCallback, useState, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'boocode.diffWidth';
const MIN = 320;
/** The chat keeps at least this much beside the panel. */
const CHAT_MIN = 360;
const STEP = 24;

const clamp = (w: number) => Math.round(Math.max(MIN, Math.min(w, window.innerWidth - CHAT_MIN)));

/** The Changes panel's width beside the chat (null: the theme's default), remembered across reloads. */
export function useDiffPanelWidth(): [number | null, (w: number) => void] {
  const [width, setWidthState] = useState<number | null>(() => {
    const saved = Number(localStorage.getItem(KEY));
    return Number.isFinite(saved) && saved >= MIN ? saved : null;
  });
  const setWidth = useCallback((w: number) => {
    const next = clamp(w);
    localStorage.setItem(KEY, String(next));
    setWidthState(next);
  }, []);
  return [width, setWidth];
}

/**
 * The drag handle on the panel's inner edge: dragging sets the width from the pointer's distance
 * to the right edge of the session body; arrow keys move it by a step.
 */
export function PanelResizer({ width, onWidth }: { width: number | null; onWidth: (w: number) => void }) {
  const [dragging, setDragging] = useState(false);
  const widthAt = (el: Element, x: number) => {
    const body = el.closest('.session-view__body') ?? document.body;
    return body.getBoundingClientRect().right - x;
  };
  const current = (el: Element) => width ?? el.parentElement?.getBoundingClientRect().width ?? MIN;
  return (
    <div
      className={`panel-resizer${dragging ? ' panel-resizer--dragging' : ''}`}
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the changes panel"
      aria-valuenow={width ?? undefined}
      aria-valuemin={MIN}
      tabIndex={0}
      onPointerDown={(e: PointerEvent<HTMLDivElement>) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        setDragging(true);
      }}
      onPointerMove={(e: PointerEvent<HTMLDivElement>) => {
        if (dragging) onWidth(widthAt(e.currentTarget, e.clientX));
      }}
      onPointerUp={(e: PointerEvent<HTMLDivElement>) => {
        e.currentTarget.releasePointerCapture(e.pointerId);
        setDragging(false);
      }}
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => {
        if (e.key === 'ArrowLeft') onWidth(current(e.currentTarget) + STEP);
        else if (e.key === 'ArrowRight') onWidth(current(e.currentTarget) - STEP);
        else return;
        e.preventDefault();
      }}
    />
  );
}
