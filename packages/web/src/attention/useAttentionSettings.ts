import { useCallback, useState } from 'react';

export interface AttentionSettings {
  /** Browser notifications, once the browser allowed them. */
  notify: boolean;
  sound: boolean;
}

const KEYS = { notify: 'boocode.attention.notify', sound: 'boocode.attention.sound' } as const;

const read = (): AttentionSettings => ({
  notify: localStorage.getItem(KEYS.notify) === 'on',
  sound: localStorage.getItem(KEYS.sound) === 'on',
});

/** Both are off until the user turns them on; kept per browser. */
export function useAttentionSettings(): [AttentionSettings, (patch: Partial<AttentionSettings>) => void] {
  const [settings, setSettings] = useState(read);
  const update = useCallback((patch: Partial<AttentionSettings>) => {
    setSettings((prev) => {
      const next = { ...prev, ...patch };
      for (const k of Object.keys(KEYS) as (keyof AttentionSettings)[]) localStorage.setItem(KEYS[k], next[k] ? 'on' : 'off');
      return next;
    });
  }, []);
  return [settings, update];
}
