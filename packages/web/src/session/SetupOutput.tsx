import { useId, useState } from 'react';
import { Icon } from '../ui/Icon';

/** Output of the worktree's set-up commands (`.boocode/config.json`), collapsed by default. */
export function SetupOutput({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const lines = text.split('\n').filter(Boolean).length;
  return (
    <div className="setup-output">
      <button type="button" className="setup-output__toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        Worktree set-up output ({lines} line{lines === 1 ? '' : 's'})
      </button>
      {open ? (
        <pre id={id} tabIndex={0} className="setup-output__text">
          {text}
        </pre>
      ) : null}
    </div>
  );
}
