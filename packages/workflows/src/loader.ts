import { parse, type Expression, type Node, type ObjectExpression, type Program, type Property, type SpreadElement, type Statement, type ModuleDeclaration, type MetaProperty } from 'acorn';
import { WorkflowMeta } from '@boocode/contracts';
import { WorkflowSourceError } from './errors.js';

/** A workflow file, checked and ready for the sandbox. */
export interface ParsedWorkflow {
  meta: WorkflowMeta;
  /** The body as the source of one async function expression `(args, workflow) => result`, on the file's lines. */
  body: string;
  form: 'meta' | 'workflow';
}

const PARSE_OPTIONS = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  locations: true,
} as const;

/**
 * Parses a workflow file in Claude Code's format: `export const meta = {...}` as the first
 * statement, then a body run as an async function (top-level `await` and `return`). The form
 * `export const workflow = {name, description, run(args)}` is accepted too.
 */
export function parseWorkflow(source: string): ParsedWorkflow {
  let program: Program;
  try {
    program = parse(source, PARSE_OPTIONS);
  } catch (err) {
    throw syntaxError(err);
  }
  const first = program.body[0];
  const metaInit = first && exportedConst(first, 'meta');
  if (first && metaInit) {
    refuseModules(program, first);
    const meta = checkMeta(literal(metaInit, 'meta'));
    return { meta, form: 'meta', body: wrap(blank(source, first.start, first.end)) };
  }
  const workflowDecl = program.body.find((s) => exportedConst(s, 'workflow'));
  const workflowInit = workflowDecl && exportedConst(workflowDecl, 'workflow');
  if (!workflowDecl || !workflowInit) {
    const misplaced = program.body.find((s) => exportedConst(s, 'meta'));
    throw new WorkflowSourceError(
      'meta',
      misplaced
        ? '`export const meta = {...}` must be the first statement of a workflow'
        : 'a workflow must begin with `export const meta = {name, description, ...}` (or export `const workflow = {name, description, run(args)}`)',
      { field: 'meta', ...position(misplaced ?? first ?? program) },
    );
  }
  refuseModules(program, workflowDecl);
  const meta = checkMeta(workflowMeta(workflowInit), 'workflow');
  // Dropping `export` keeps the declaration (and its `run`) for the call appended below.
  const body = blank(source, workflowDecl.start, workflowDecl.start + 'export'.length);
  return { meta, form: 'workflow', body: wrap(`${body}\nreturn await workflow.run(args);`) };
}

/**
 * The wrapper opens on line 1, so errors keep the file's line numbers. The inner arrow lets a file
 * declare its own `workflow` or `args` without clashing with the parameters.
 */
function wrap(body: string): string {
  return `(async function (args, workflow) { "use strict"; return await (async () => {${body}\n})(); })`;
}

/** Replaces a range with spaces, keeping line breaks, so later positions stay where they were. */
function blank(source: string, start: number, end: number): string {
  return source.slice(0, start) + source.slice(start, end).replace(/[^\n\r]/g, ' ') + source.slice(end);
}

type TopLevel = Statement | ModuleDeclaration;

/** The initializer of `export const <name> = {...}`, if the statement is exactly that. */
function exportedConst(statement: TopLevel, name: string): Expression | undefined {
  if (statement.type !== 'ExportNamedDeclaration') return undefined;
  const decl = statement.declaration;
  if (decl?.type !== 'VariableDeclaration' || decl.kind !== 'const' || decl.declarations.length !== 1) return undefined;
  const [d] = decl.declarations;
  if (d?.id.type !== 'Identifier' || d.id.name !== name || !d.init) return undefined;
  return d.init;
}

/** Workflows have no modules: imports, `import()`, `import.meta` and other exports are refused here. */
function refuseModules(program: Program, allowedExport: Node | undefined): void {
  visit(program, (node) => {
    const refusal =
      node.type === 'ImportDeclaration' || node.type === 'ImportExpression' || isImportMeta(node)
        ? 'modules are not available in a workflow (no import, import() or import.meta)'
        : node.type.startsWith('Export') && node !== allowedExport
          ? 'a workflow exports only `meta` (its first statement) or `workflow`'
          : undefined;
    if (refusal) throw new WorkflowSourceError('syntax', `${refusal} (line ${position(node).line})`, position(node));
  });
}

function isImportMeta(node: Node): boolean {
  return node.type === 'MetaProperty' && (node as MetaProperty).meta.name === 'import';
}

/** Walks every node of the tree; the ESTree shape is regular enough to need no per-type table. */
function visit(node: Node, onNode: (node: Node) => void): void {
  onNode(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    const children: unknown[] = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && typeof (child as Node).type === 'string') visit(child as Node, onNode);
    }
  }
}

/** Evaluates a plain literal (strings, numbers, booleans, null, arrays, objects) without running code. */
function literal(node: Expression | SpreadElement | null, field: string): unknown {
  if (!node) throw notLiteral(field, 'an empty array slot', undefined);
  switch (node.type) {
    case 'Literal':
      if (node.regex || node.bigint !== undefined) break;
      return node.value;
    case 'TemplateLiteral':
      if (node.expressions.length > 0) break;
      return node.quasis.map((q) => q.value.cooked ?? '').join('');
    case 'UnaryExpression':
      if (node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') {
        return -node.argument.value;
      }
      break;
    case 'ArrayExpression':
      return node.elements.map((e, i) => literal(e, `${field}[${i}]`));
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) {
        const key = propertyKey(p, field);
        out[key] = literal((p as Property).value, `${field}.${key}`);
      }
      return out;
    }
  }
  throw notLiteral(field, node.type, node);
}

function propertyKey(p: Property | SpreadElement, field: string): string {
  if (p.type === 'SpreadElement' || p.computed || p.kind !== 'init' || p.method || p.shorthand) {
    throw notLiteral(field, 'a computed, spread, shorthand or method property', p);
  }
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal' && (typeof p.key.value === 'string' || typeof p.key.value === 'number')) return String(p.key.value);
  throw notLiteral(field, 'a computed key', p);
}

function notLiteral(field: string, found: string, node: Node | undefined): WorkflowSourceError {
  return new WorkflowSourceError('meta', `${field} must be a plain literal (found ${found}): meta is read without running the file`, {
    field,
    ...(node ? position(node) : {}),
  });
}

/** `workflow = {name, description, whenToUse?, phases?, run}`: everything but `run` is meta. */
function workflowMeta(init: Expression): unknown {
  if (init.type !== 'ObjectExpression') return literal(init, 'workflow');
  const metaProps = (init as ObjectExpression).properties.filter((p) => {
    if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'run') {
      if (p.value.type !== 'FunctionExpression' && p.value.type !== 'ArrowFunctionExpression') {
        throw new WorkflowSourceError('meta', 'workflow.run must be a function', { field: 'workflow.run', ...position(p) });
      }
      return false;
    }
    return true;
  });
  const hasRun = metaProps.length < init.properties.length;
  if (!hasRun) throw new WorkflowSourceError('meta', 'workflow.run is required: run(args) is the workflow', { field: 'workflow.run', ...position(init) });
  return literal({ ...init, properties: metaProps }, 'workflow');
}

function checkMeta(value: unknown, root = 'meta'): WorkflowMeta {
  const parsed = WorkflowMeta.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = root + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  const message = issue.code === 'unrecognized_keys' ? 'is not a meta field' : issue.message;
  throw new WorkflowSourceError('meta', `${field}: ${message}`, { field });
}

function position(node: Node): { line?: number; column?: number } {
  return node.loc ? { line: node.loc.start.line, column: node.loc.start.column + 1 } : {};
}

function syntaxError(err: unknown): WorkflowSourceError {
  const e = err as { message?: string; loc?: { line: number; column: number } };
  if (!e.loc) throw err;
  const message = (e.message ?? 'syntax error').replace(/ \(\d+:\d+\)$/, '');
  return new WorkflowSourceError('syntax', `syntax error at line ${e.loc.line}, column ${e.loc.column + 1}: ${message}`, {
    line: e.loc.line,
    column: e.loc.column + 1,
  });
}
