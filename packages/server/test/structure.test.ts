import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
const DB = path.join(SRC, 'db');

/**
 * Places in a module that hold SQL text: tagged templates (postgres.js queries, whatever the
 * tag is called: `sql`, `tx`, a reserved connection, `this.sql<Row[]>`) and `.unsafe(...)` calls.
 */
function sqlSites(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sites: string[] = [];
  const visit = (node: ts.Node): void => {
    const isTagged = ts.isTaggedTemplateExpression(node);
    const isUnsafe = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'unsafe';
    if (isTagged || isUnsafe) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      sites.push(`${path.relative(SRC, file)}:${line}: ${node.getText(source).split('\n')[0]!.slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('where SQL lives', () => {
  it('finds tagged SQL templates and unsafe() calls, and nothing else', () => {
    const text = [
      'const a = await sql`SELECT 1`;',
      'const b = await this.sql<Row[]>`SELECT * FROM tasks WHERE id = ${id}`;',
      'await tx`DELETE FROM messages`;',
      'await conn`SELECT pg_advisory_lock(1)`;',
      'await sql.unsafe("VACUUM");',
      'const plain = `not ${sql} a query`;',
      'log.info(`SELECT in a message is fine`);',
    ].join('\n');
    const sites = sqlSites(path.join(SRC, 'example.ts'), text);
    expect(sites.map((s) => s.split(':')[1])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('keeps every query in packages/server/src/db', () => {
    const outside = sourceFiles(SRC)
      .filter((f) => !f.startsWith(DB + path.sep))
      .flatMap((f) => sqlSites(f, readFileSync(f, 'utf8')));
    expect(outside, 'SQL outside db/: move it into a named query function there').toEqual([]);
  });

  it('looks at the db modules too (the walk reaches them)', () => {
    const inside = sourceFiles(DB).flatMap((f) => sqlSites(f, readFileSync(f, 'utf8')));
    expect(inside.length).toBeGreaterThan(50);
  });
});
