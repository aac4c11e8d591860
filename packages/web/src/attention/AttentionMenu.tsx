import { useEffect, useRef, useState } from 'react';
import { useEscape } from '../shell/useEscape';
import { IconButton } from '../ui/IconButton';
import type { AttentionSettings } from './useAttentionSettings';

type Permission = NotificationPermission | 'unsupported';
const browserPermission = (): Permission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

/** The bell in the top bar: turns browser notifications and the chime on or off. */
export function AttentionMenu({ settings, onChange }: { settings: AttentionSettings; onChange: (patch: Partial<AttentionSettings>) => void }) {
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState<Permission>(browserPermission);
  const root = useRef<HTMLDivElement>(null);
  useEscape(open, () => setOpen(false));
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const toggleNotify = async (on: boolean) => {
    if (!on || permission === 'unsupported') return onChange({ notify: false });
    const granted = permission === 'granted' ? 'granted' : await Notification.requestPermission();
    setPermission(granted);
    onChange({ notify: granted === 'granted' });
  };

  return (
    <div className="attention-menu" ref={root}>
      <IconButton
        icon="bell"
        label="Notifications"
        aria-expanded={open}
        aria-controls="attention-menu"
        pressed={settings.notify || settings.sound}
        onClick={() => setOpen((v) => !v)}
      />
      {open ? (
        <div className="attention-menu__panel" id="attention-menu" role="group" aria-label="Notification settings">
          <p className="attention-menu__intro">When a session needs you (a permission question, or a turn that ends while this tab is hidden):</p>
          <label className="attention-menu__option">
            <input
              type="checkbox"
              checked={settings.notify && permission === 'granted'}
              disabled={permission === 'unsupported' || permission === 'denied'}
              onChange={(e) => void toggleNotify(e.target.checked)}
            />
            Show a browser notification
          </label>
          {permission === 'denied' ? (
            <p className="attention-menu__hint">This browser blocks notifications from BooCode; allow them in the site settings to turn this on.</p>
          ) : permission === 'unsupported' ? (
            <p className="attention-menu__hint">This browser cannot show notifications.</p>
          ) : null}
          <label className="attention-menu__option">
            <input type="checkbox" checked={settings.sound} onChange={(e) => onChange({ sound: e.target.checked })} />
            Play a sound
          </label>
        </div>
      ) : null}
    </div>
  );
}
