import { useRef } from 'react';

/**
 * `items`, or the previous array while it holds the same items in the same order: a list derived
 * from the messages is rebuilt with every streamed delta, and a new but equal array would render
 * its memoized component again each time.
 */
export function useSameItems<T>(items: T[]): T[] {
  const prev = useRef(items);
  const same = prev.current.length === items.length && prev.current.every((x, i) => x === items[i]);
  if (!same) prev.current = items;
  return prev.current;
}
