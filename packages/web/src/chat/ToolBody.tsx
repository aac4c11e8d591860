import { useMemo } from 'react';
import type { ToolCallView } from '../stream/sessionState';
import { lineDiff } from '../diff/lineDiff';
import { parseUnifiedDiff, type PatchLine } from '../diff/parseDiff';
import { formatDuration } from '../traces/latency';
import { truncate } from '../ui/format';
import { AnsiText } from './AnsiText';
import type { ToolDisplay } from './toolKinds';

/** Rows drawn per card before "…more": a card is a glance, the Changes panel has the whole diff. */
const MAX_ROWS = 400;
const MAX_TEXT = 20_000;

export function ToolBody({ call, display: d }: { call: ToolCallView; display: ToolDisplay }) {
  switch (d.kind) {
    case 'edit':
      return (
        <>
          {d.edits.map((e, i) => (
            <DiffRows key={i} lines={lineDiff(e.before, e.after)} label={`Edit of ${d.path ?? 'a file'}`} numbered={false} />
          ))}
          <ResultLine call={call} />
        </>
      );
    case 'patch':
      return <PatchBody patch={d.patch} call={call} />;
    case 'write':
      return (
        <>
          <DiffRows lines={lineDiff('', d.content)} label={`New content of ${d.path ?? 'a file'}`} numbered />
          <ResultLine call={call} />
        </>
      );
    case 'delete':
      return <ResultLine call={call} />;
    case 'shell':
      return <ShellBody call={call} d={d} />;
    case 'read':
      return (
        <>
          {d.lines.length > 0 ? <NumberedLines lines={d.lines} label={`Lines of ${d.path ?? 'a file'}`} /> : null}
          {d.note ? <p className="tool-card__note">{d.note}</p> : null}
          {d.raw ? <pre className="tool-card__pre">{truncate(d.raw, MAX_TEXT)}</pre> : null}
        </>
      );
    case 'search':
      return (
        <>
          {d.results.length > 0 ? (
            <ul className="tool-card__results" aria-label="Results">
              {d.results.slice(0, MAX_ROWS).map((r, i) => (
                <li key={i}>{r}</li>
              ))}
              {d.results.length > MAX_ROWS ? <li className="tool-card__note">… {d.results.length - MAX_ROWS} more</li> : null}
            </ul>
          ) : null}
          {d.note ? <p className="tool-card__note">{d.note}</p> : null}
          {call.status === 'completed' && d.results.length === 0 && !d.note ? <p className="tool-card__note">No results.</p> : null}
        </>
      );
    case 'other':
      return <OtherBody call={call} />;
  }
}

/** The tool's own one-line answer ("Edited a.ts: replaced 1 occurrence."), when it gave one. */
function ResultLine({ call }: { call: ToolCallView }) {
  if (!call.output || call.output.includes('\n') || call.output.length > 300) return null;
  return <p className="tool-card__note">{call.output}</p>;
}

const SIGN: Record<PatchLine['kind'], string> = { add: '+', del: '−', context: ' ', note: '\\' };

/** `numbered`: line numbers are the file's (a whole file, a patch); an edit's snippet has none. */
function DiffRows({ lines, label, numbered }: { lines: PatchLine[]; label: string; numbered: boolean }) {
  const shown = lines.slice(0, MAX_ROWS);
  return (
    <div className="tool-diff" role="region" aria-label={label} tabIndex={0}>
      <table>
        <tbody>
          {shown.map((l, i) => (
            <tr key={i} className={`diff-view__line diff-view__line--${l.kind}`}>
              {numbered ? <td className="diff-view__no">{l.kind === 'add' ? l.newNo : l.oldNo}</td> : null}
              <td className="diff-view__sign" aria-hidden="true">
                {SIGN[l.kind]}
              </td>
              <td className="diff-view__code">
                <span className="visually-hidden">{l.kind === 'add' ? 'added: ' : l.kind === 'del' ? 'removed: ' : ''}</span>
                {l.text}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > MAX_ROWS ? <p className="tool-card__note">… {lines.length - MAX_ROWS} more lines</p> : null}
    </div>
  );
}

function PatchBody({ patch, call }: { patch: string; call: ToolCallView }) {
  const files = useMemo(() => parseUnifiedDiff(patch), [patch]);
  if (files.length === 0 || files.every((f) => f.hunks.length === 0)) {
    return <pre className="tool-card__pre">{truncate(patch, MAX_TEXT)}</pre>;
  }
  return (
    <>
      {files.map((f) => (
        <div key={f.path}>
          <p className="tool-card__file">{f.path}</p>
          <DiffRows lines={f.hunks.flatMap((h) => h.lines)} label={`Edit of ${f.path}`} numbered />
        </div>
      ))}
      <ResultLine call={call} />
    </>
  );
}

function NumberedLines({ lines, label }: { lines: { n: number; text: string }[]; label: string }) {
  return (
    <div className="tool-diff" role="region" aria-label={label} tabIndex={0}>
      <table>
        <tbody>
          {lines.slice(0, MAX_ROWS).map((l) => (
            <tr key={l.n} className="diff-view__line diff-view__line--context">
              <td className="diff-view__no">{l.n}</td>
              <td className="diff-view__code">{l.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > MAX_ROWS ? <p className="tool-card__note">… {lines.length - MAX_ROWS} more lines</p> : null}
    </div>
  );
}

function ShellBody({ call, d }: { call: ToolCallView; d: Extract<ToolDisplay, { kind: 'shell' }> }) {
  const running = call.status === 'running';
  // A failure without a structured result (not found, refused) is the error text itself.
  const errorOnly = call.error && d.stdout === '' && d.stderr === '' ? call.error : null;
  return (
    <div className="terminal-output" role="region" aria-label={`Output of ${d.commandLine}`}>
      {d.description ? <p className="terminal-output__note">{d.description}</p> : null}
      <pre tabIndex={0}>
        <span className="terminal-output__prompt" aria-hidden="true">
          ${' '}
        </span>
        <span className="terminal-output__command">{d.commandLine}</span>
        {'\n'}
        {d.stdout ? <AnsiText text={truncate(d.stdout, MAX_TEXT)} /> : null}
        {d.stderr ? (
          <span className="terminal-output__stderr">
            <AnsiText text={truncate(d.stderr, MAX_TEXT)} />
          </span>
        ) : null}
        {errorOnly ? <span className="terminal-output__stderr">{truncate(errorOnly, MAX_TEXT)}</span> : null}
      </pre>
      <p className="terminal-output__status">
        {running
          ? 'running…'
          : [
              d.timedOut ? 'timed out' : null,
              d.exitCode !== null ? `exit code ${d.exitCode}` : d.signal ? `killed by ${d.signal}` : call.status === 'failed' ? 'failed' : null,
              d.durationMs !== null ? formatDuration(d.durationMs) : null,
              d.truncated ? 'output cut' : null,
            ]
              .filter(Boolean)
              .join(' · ')}
      </p>
    </div>
  );
}

/** A tool we do not know: its input as named fields (text as text), JSON only for nested values. */
function OtherBody({ call }: { call: ToolCallView }) {
  const entries = Object.entries(call.input);
  return (
    <>
      {entries.length > 0 ? (
        <dl className="tool-card__fields">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                {typeof v === 'string' ? (
                  v.includes('\n') ? (
                    <pre className="tool-card__pre">{truncate(v, MAX_TEXT)}</pre>
                  ) : (
                    v
                  )
                ) : typeof v === 'number' || typeof v === 'boolean' || v === null ? (
                  String(v)
                ) : (
                  <pre className="tool-card__pre">{truncate(JSON.stringify(v, null, 2), MAX_TEXT)}</pre>
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {call.output !== null ? (
        <div className="tool-card__section">
          <h4>Output</h4>
          <pre tabIndex={0}>{prettyOutput(call.output) || '(empty)'}</pre>
        </div>
      ) : null}
    </>
  );
}

/** Output that is a JSON document is indented; anything else is shown as sent. */
function prettyOutput(out: string): string {
  const t = out.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return truncate(JSON.stringify(JSON.parse(t), null, 2), MAX_TEXT);
    } catch {
      // not JSON after all
    }
  }
  return truncate(out, MAX_TEXT);
}
