import type { Paint } from './color.js';

/** Columns of a table: a header and how to show a row in it. */
export type Columns<T> = [header: string, cell: (row: T) => string][];

/** Visible width: colour codes take no room. */
const width = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** A plain text table, columns padded to their widest cell, the last one left unpadded. */
export function renderTable<T>(rows: readonly T[], columns: Columns<T>, paint: Paint): string {
  const cells = rows.map((r) => columns.map(([, cell]) => cell(r).replace(/\s*\n\s*/g, ' ')));
  const headers = columns.map(([h]) => h);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => width(row[i]!))));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c))))
      .join('  ')
      .trimEnd();
  return [paint.bold(line(headers)), ...cells.map(line)].join('\n') + '\n';
}

/** `key: value` lines, keys aligned. */
export function renderFields(fields: [string, string][], paint: Paint): string {
  const w = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${paint.dim(k.padEnd(w))}  ${v}`).join('\n') + '\n';
}
