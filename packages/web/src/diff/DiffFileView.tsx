import { useMemo, useState } from 'react';
import { highlightLine, languageOfPath, START, type CarryState } from '../markdown/highlight';
import { HighlightedLine } from '../markdown/HighlightedLine';
import type { PatchFile, PatchLine } from './parseDiff';

/** Big files show their first lines until asked: tens of thousands of rows would stall the page. */
const INITIAL_LINES = 1500;
const SIGN: Record<PatchLine['kind'], string> = { add: '+', del: '−', context: ' ', note: '\\' };

/**
 * A file's unified diff with line numbers and syntax colours. Old and new lines are coloured
 * as separate streams (a deleted block comment must not colour the added lines after it).
 */
export function DiffFileView({ file }: { file: PatchFile }) {
  const [showAll, setShowAll] = useState(false);
  const lang = languageOfPath(file.path);
  const rows = useMemo(() => {
    const out: { key: string; header?: string; line?: PatchLine; tokens?: ReturnType<typeof highlightLine>['tokens'] }[] = [];
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
  return (
    <div className="diff-view" tabIndex={0} role="region" aria-label={`Diff of ${file.path}`}>
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
      {!showAll && rows.length > INITIAL_LINES ? (
        <button type="button" className="button button--small diff-view__more" onClick={() => setShowAll(true)}>
          Show all {rows.length} lines
        </button>
      ) : null}
    </div>
  );
}
