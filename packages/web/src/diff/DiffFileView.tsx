import { useMemo, useState } from 'react';
import { highlightLine, languageOfPath, START, type CarryState } from '../markdown/highlight';
import { HighlightedLine } from '../markdown/HighlightedLine';
import type { PatchFile, PatchLine } from './parseDiff';

/** Big files show their first lines until asked: tens of thousands of rows would stall the page. */
const INITIAL_LINES = 1500;
const SIGN: Record<PatchLine['kind'], string> = { add: '+', del: '−', context: ' ', note: '\\' };

type Row = { key: string; header?: string; line?: PatchLine; tokens?: ReturnType<typeof highlightLine>['tokens'] };
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

function SplitCell({ side, which }: { side: Side; which: 'old' | 'new' }) {
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
      <td className={`diff-view__no diff-view__cell--${kind}`}>{which === 'old' ? side.line.oldNo : side.line.newNo}</td>
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
export function DiffFileView({ file, view = 'unified', wrap = false }: { file: PatchFile; view?: 'unified' | 'split'; wrap?: boolean }) {
  const [showAll, setShowAll] = useState(false);
  const lang = languageOfPath(file.path);
  const rows = useMemo(() => {
    const out: Row[] = [];
    file.hunks.forEach((h, hi) => {
      out.push({ key: `h${hi}`, header: h.header });
      let oldCarry: CarryState = START;
      let newCarry: CarryState = START;
      h.lines.forEach((line, li) => {
        let tokens;
        if (line.kind === 'note') tokens = [{ kind: 'comment' as const, text: line.text }];
        else {
          const r = highlightLine(line.text, lang, line.kind === 'del' ? oldCarry : newCarry);
          if (line.kind !== 'add') oldCarry = r.carry;
          if (line.kind !== 'del') newCarry = r.carry;
          tokens = r.tokens;
        }
        out.push({ key: `h${hi}l${li}`, line, tokens });
      });
    });
    return out;
  }, [file, lang]);

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
                  <SplitCell side={r.left ?? null} which="old" />
                  <SplitCell side={r.right ?? null} which="new" />
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
                <td className="diff-view__no">{r.line!.oldNo ?? ''}</td>
                <td className="diff-view__no">{r.line!.newNo ?? ''}</td>
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
