import { useMemo, useState } from 'react';
import type { Token } from '../markdown/highlighter';
import { HighlightedLine } from '../markdown/HighlightedLine';
import { useHighlighter, type Highlighter } from '../markdown/useHighlighter';
import { lineLabel } from './lineComments';
import type { PatchFile, PatchLine } from './parseDiff';

/** Big files show their first lines until asked: tens of thousands of rows would stall the page. */
const INITIAL_LINES = 1500;
const SIGN: Record<PatchLine['kind'], string> = { add: '+', del: '−', context: ' ', note: '\\' };

type Row = { key: string; header?: string; line?: PatchLine; tokens?: readonly Token[] };

/** Hunks bigger than this are left plain: colouring them would stall the first paint. */
const MAX_HIGHLIGHT_LINES = 5000;

/**
 * Colours for each line of a hunk: the old side (removed and context lines) and the new side
 * (added and context lines) are highlighted as two texts, so a removed block comment cannot
 * colour the added lines after it.
 */
function hunkTokens(h: Highlighter | null, grammar: string | null, lines: readonly PatchLine[]): (readonly Token[])[] {
  const plain = lines.map((l) => [{ text: l.text, cls: l.kind === 'note' ? 'hljs-comment' : null }]);
  if (!h || !grammar || lines.length > MAX_HIGHLIGHT_LINES) return plain;
  const side = (keep: (l: PatchLine) => boolean) => {
    const idx = lines.flatMap((l, i) => (keep(l) ? [i] : []));
    const coloured = h.highlightLines(idx.map((i) => lines[i]!.text).join('\n'), grammar);
    return new Map(idx.map((i, j) => [i, coloured[j] ?? []]));
  };
  const oldSide = side((l) => l.kind === 'del' || l.kind === 'context');
  const newSide = side((l) => l.kind === 'add' || l.kind === 'context');
  return lines.map((l, i) => (l.kind === 'del' ? oldSide.get(i) : l.kind === 'note' ? undefined : newSide.get(i)) ?? plain[i]!);
}
type Side = { line: PatchLine; tokens: Row['tokens'] } | null;

/**
 * Side by side: context on both sides, a run of removed lines next to the added lines that
 * replaced it, extra lines of the longer run facing blanks.
 */
function splitRows(rows: Row[]): { key: string; header?: string; left?: Side; right?: Side }[] {
  const out: { key: string; header?: string; left?: Side; right?: Side }[] = [];
  let dels: Row[] = [];
  let adds: Row[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      const l = dels[i];
      const r = adds[i];
      out.push({
        key: `${(l ?? r)!.key}s`,
        left: l ? { line: l.line!, tokens: l.tokens } : null,
        right: r ? { line: r.line!, tokens: r.tokens } : null,
      });
    }
    dels = [];
    adds = [];
  };
  for (const r of rows) {
    if (r.header !== undefined) {
      flush();
      out.push({ key: r.key, header: r.header });
    } else if (r.line!.kind === 'del') {
      if (adds.length) flush();
      dels.push(r);
    } else if (r.line!.kind === 'add') adds.push(r);
    else {
      flush();
      const side = { line: r.line!, tokens: r.tokens };
      out.push({ key: r.key, left: side, right: side });
    }
  }
  flush();
  return out;
}

/** A line number; with `onComment`, a button that starts a comment on that line. */
function NoCell({ line, no, path, onComment, className }: { line: PatchLine; no: number | null; path: string; onComment?: (l: PatchLine) => void; className?: string }) {
  const cls = `diff-view__no${className ? ` ${className}` : ''}`;
  if (!onComment || no === null || line.kind === 'note') return <td className={cls}>{no ?? ''}</td>;
  return (
    <td className={cls}>
      <button type="button" className="diff-view__comment" onClick={() => onComment(line)} aria-label={`Comment on ${lineLabel(line)} of ${path}`}>
        {no}
      </button>
    </td>
  );
}

function SplitCell({ side, which, path, onComment }: { side: Side; which: 'old' | 'new'; path: string; onComment?: (l: PatchLine) => void }) {
  if (!side) {
    return (
      <>
        <td className="diff-view__no diff-view__blank" />
        <td className="diff-view__code diff-view__blank" />
      </>
    );
  }
  const kind = side.line.kind;
  return (
    <>
      <NoCell
        line={side.line}
        no={which === 'old' ? side.line.oldNo : side.line.newNo}
        path={path}
        onComment={which === 'new' || kind === 'del' ? onComment : undefined}
        className={`diff-view__cell--${kind}`}
      />
      <td className={`diff-view__code diff-view__cell--${kind}`}>
        <span className="visually-hidden">{kind === 'add' ? 'added: ' : kind === 'del' ? 'removed: ' : ''}</span>
        <HighlightedLine tokens={side.tokens ?? []} />
      </td>
    </>
  );
}

/**
 * A file's diff with line numbers and syntax colours, unified or side by side, lines wrapped
 * or scrolled. Old and new lines are coloured as separate streams (a deleted block comment
 * must not colour the added lines after it).
 */
export function DiffFileView({
  file,
  view = 'unified',
  wrap = false,
  onComment,
}: {
  file: PatchFile;
  view?: 'unified' | 'split';
  wrap?: boolean;
  /** Starts a comment on a line (the line numbers become buttons). */
  onComment?: (line: PatchLine) => void;
}) {
  const [showAll, setShowAll] = useState(false);
  const h = useHighlighter();
  const grammar = h?.grammarFor(file.path) ?? null;
  const rows = useMemo(() => {
    const out: Row[] = [];
    file.hunks.forEach((hunk, hi) => {
      out.push({ key: `h${hi}`, header: hunk.header });
      const tokens = hunkTokens(h, grammar, hunk.lines);
      hunk.lines.forEach((line, li) => out.push({ key: `h${hi}l${li}`, line, tokens: tokens[li] }));
    });
    return out;
  }, [file, h, grammar]);

  if (file.binary) return <p className="diff-view__note">Binary file: not shown.</p>;
  if (rows.length === 0) return <p className="diff-view__note">No content changes (renamed or mode change only).</p>;
  const shown = showAll ? rows : rows.slice(0, INITIAL_LINES);
  const cls = `diff-view diff-view--${view}${wrap ? ' diff-view--wrap' : ''}`;
  const more =
    !showAll && rows.length > INITIAL_LINES ? (
      <button type="button" className="button button--small diff-view__more" onClick={() => setShowAll(true)}>
        Show all {rows.length} lines
      </button>
    ) : null;
  if (view === 'split') {
    return (
      <div className={cls} tabIndex={0} role="region" aria-label={`Diff of ${file.path}, side by side`}>
        <table>
          <colgroup>
            <col className="diff-view__col-no" />
            <col />
            <col className="diff-view__col-no" />
            <col />
          </colgroup>
          <tbody>
            {splitRows(shown).map((r) =>
              r.header !== undefined ? (
                <tr key={r.key} className="diff-view__hunk">
                  <td colSpan={4}>{r.header}</td>
                </tr>
              ) : (
                <tr key={r.key} className="diff-view__line">
                  <SplitCell side={r.left ?? null} which="old" path={file.path} onComment={onComment} />
                  <SplitCell side={r.right ?? null} which="new" path={file.path} onComment={onComment} />
                </tr>
              ),
            )}
          </tbody>
        </table>
        {more}
      </div>
    );
  }
  return (
    <div className={cls} tabIndex={0} role="region" aria-label={`Diff of ${file.path}`}>
      <table>
        <tbody>
          {shown.map((r) =>
            r.header !== undefined ? (
              <tr key={r.key} className="diff-view__hunk">
                <td colSpan={4}>{r.header}</td>
              </tr>
            ) : (
              <tr key={r.key} className={`diff-view__line diff-view__line--${r.line!.kind}`}>
                <NoCell line={r.line!} no={r.line!.oldNo} path={file.path} onComment={r.line!.kind === 'del' ? onComment : undefined} />
                <NoCell line={r.line!} no={r.line!.newNo} path={file.path} onComment={onComment} />
                <td className="diff-view__sign" aria-hidden="true">
                  {SIGN[r.line!.kind]}
                </td>
                <td className="diff-view__code">
                  <span className="visually-hidden">{r.line!.kind === 'add' ? 'added: ' : r.line!.kind === 'del' ? 'removed: ' : ''}</span>
                  <HighlightedLine tokens={r.tokens ?? []} />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {more}
    </div>
  );
}
