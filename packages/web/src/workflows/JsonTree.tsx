import { useState } from 'react';

/** Children shown before "show more": a result with thousands of items must not stall the page. */
const PAGE = 100;

/** A JSON value as a tree: objects and arrays fold open and closed; the top three levels start open. */
export function JsonTree({ value, label, depth = 0 }: { value: unknown; label?: string; depth?: number }) {
  const [open, setOpen] = useState(depth < 3);
  const [shown, setShown] = useState(PAGE);
  const key = label === undefined ? null : <span className="json-tree__key">{label}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-tree__leaf">
        {key}
        <span className={`json-tree__${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length} item${entries.length === 1 ? '' : 's'}]` : `{${entries.length} key${entries.length === 1 ? '' : 's'}}`;
  return (
    <div className="json-tree__node">
      <button type="button" className="json-tree__toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {key}
        <span className="json-tree__summary">{summary}</span>
      </button>
      {open ? (
        <div className="json-tree__children">
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonTree key={k} value={v} label={k} depth={depth + 1} />
          ))}
          {entries.length > shown ? (
            <button type="button" className="link-button" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
