import { useId, useState } from 'react';
import { Icon } from '../ui/Icon';

/** The model's reasoning, collapsed by default: it is long and rarely what the reader wants. */
export function ReasoningBlock({ text, streaming }: { text: string; streaming: boolean }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const words = text.trim() ? text.trim().split(/\s+/).length : 0;
  return (
    <div className="reasoning">
      <button type="button" className="reasoning__toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        <Icon name="bulb" size={12} />
        <span>{streaming ? 'Thinking…' : 'Reasoning'}</span>
        <span className="reasoning__count">{words} words</span>
      </button>
      {open ? (
        <div className="reasoning__text" id={id}>
          {text}
        </div>
      ) : null}
    </div>
  );
}
