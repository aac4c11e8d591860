import { useEscape } from './useEscape';
import { SHORTCUTS } from './commands';

/** The `?` overlay: every keyboard shortcut on one card. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  useEscape(true, onClose);
  return (
    <div className="overlay" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="shortcut-help" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title">
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map((s) => (
            <div key={s.keys} className="shortcut-help__row">
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{s.what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" className="button" autoFocus onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
