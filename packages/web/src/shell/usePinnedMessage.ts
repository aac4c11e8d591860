import { useCallback, useEffect, useState } from 'react';
import { parsePin } from './route';

/** The message named by `#pin=<id>`, following hash changes. */
export function usePinnedMessage(): [string | null, (id: string | null) => void] {
  const [pin, setPinState] = useState(() => parsePin(location.hash));
  useEffect(() => {
    const onHash = () => setPinState(parsePin(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const setPin = useCallback((id: string | null) => {
    // replaceState: pinning should not add a history entry per click.
    history.replaceState(null, '', `${location.pathname}${location.search}${id ? `#pin=${id}` : ''}`);
    setPinState(id);
  }, []);
  return [pin, setPin];
}
