import { describe, expect, test } from 'vitest';
import { parseWorkflow, WorkflowSourceError } from '@boocode/workflows';

function sourceError(source: string): WorkflowSourceError {
  try {
    parseWorkflow(source);
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowSourceError);
    return err as WorkflowSourceError;
  }
  throw new Error('parsed without error');
}

describe('the meta form', () => {
  test('reads meta as a plain literal, with phases as objects or strings', () => {
    const parsed = parseWorkflow(`export const meta = {
  name: 'review',
  description: \`Parallel reviewers\`,
  whenToUse: "before merging",
  phases: ['Find', { title: 'Verify', detail: 'drop false findings', model: 'big' }],
};
const found = await agent('find bugs');
return found;
`);
    expect(parsed.form).toBe('meta');
    expect(parsed.meta).toEqual({
      name: 'review',
      description: 'Parallel reviewers',
      whenToUse: 'before merging',
      phases: ['Find', { title: 'Verify', detail: 'drop false findings', model: 'big' }],
    });
    expect(parsed.body).toContain("await agent('find bugs')");
    expect(parsed.body).not.toContain('export');
  });

  test('keeps the file\'s line numbers in the body', () => {
    const parsed = parseWorkflow("export const meta = { name: 'a', description: 'b' };\n\nthrow new Error('x');\n");
    expect(parsed.body.split('\n')[2]).toBe("throw new Error('x');");
  });

  test('a syntax error gives its line and column', () => {
    const err = sourceError("export const meta = { name: 'a', description: 'b' };\nconst x = 1;\nlet y = ;\n");
    expect(err.kind).toBe('syntax');
    expect(err.where).toEqual({ line: 3, column: 9 });
    expect(err.message).toMatch(/line 3, column 9: Unexpected token/);
  });

  test('meta must be the first statement', () => {
    const err = sourceError("const x = 1;\nexport const meta = { name: 'a', description: 'b' };\n");
    expect(err.kind).toBe('meta');
    expect(err.where.field).toBe('meta');
    expect(err.message).toMatch(/must be the first statement/);
    expect(err.where.line).toBe(2);
  });

  test.each([
    ["{ name: 'a', description: 'b' + 'c' }", 'meta.description', /plain literal \(found BinaryExpression\)/],
    ["{ name: 'a', description: 'b', phases: [makePhase()] }", 'meta.phases[0]', /CallExpression/],
    ["{ name: 'a', description: `x ${y}` }", 'meta.description', /TemplateLiteral/],
    ["{ name, description: 'b' }", 'meta', /shorthand/],
    ["{ ['name']: 'a', description: 'b' }", 'meta', /computed/],
    ["{ ...base, description: 'b' }", 'meta', /spread/],
  ])('a computed meta %s names the field', (literal, field, message) => {
    const err = sourceError(`export const meta = ${literal};\n`);
    expect(err.kind).toBe('meta');
    expect(err.where.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.where.line).toBe(1);
  });

  test.each([
    ["{ description: 'b' }", 'meta.name'],
    ["{ name: '', description: 'b' }", 'meta.name'],
    ["{ name: 'a', description: 3 }", 'meta.description'],
    ["{ name: 'a', description: 'b', phases: ['ok', { title: 5 }] }", 'meta.phases[1]'],
    ["{ name: 'a', description: 'b', phases: [{ title: 'x', colour: 'red' }] }", 'meta.phases[0].colour'],
    ["{ name: 'a', description: 'b', owner: 'me' }", 'meta.owner'],
    ["{ name: 'a', description: 'b', phases: 'one' }", 'meta.phases'],
  ])('a bad meta %s names the field', (literal, field) => {
    const err = sourceError(`export const meta = ${literal};\n`);
    expect(err.kind).toBe('meta');
    expect(err.where.field).toBe(field);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('the workflow form', () => {
  test('accepts export const workflow = {name, description, run(args)} with helpers around it', () => {
    const parsed = parseWorkflow(`function helper(x) { return x + 1; }
export const workflow = {
  name: 'seeded',
  description: 'the older form',
  async run(args) { return helper(args.n); },
};
`);
    expect(parsed.form).toBe('workflow');
    expect(parsed.meta).toEqual({ name: 'seeded', description: 'the older form' });
    expect(parsed.body).toContain('return await workflow.run(args);');
  });

  test('run is required and must be a function', () => {
    expect(sourceError("export const workflow = { name: 'a', description: 'b' };").where.field).toBe('workflow.run');
    expect(sourceError("export const workflow = { name: 'a', description: 'b', run: 5 };").where.field).toBe('workflow.run');
  });

  test('its meta fields follow the same rules', () => {
    const err = sourceError("export const workflow = { name: 'a', description: 1, run() {} };");
    expect(err.where.field).toBe('workflow.description');
  });
});

describe('modules are refused with their position', () => {
  test.each([
    ["import fs from 'node:fs';", 2, 1],
    ["const fs = await import('node:fs');", 2, 18],
    ['const u = import.meta.url;', 2, 11],
    ['export const other = 1;', 2, 1],
    ["export default function () {}", 2, 1],
  ])('%s', (line, atLine, atColumn) => {
    const err = sourceError(`export const meta = { name: 'a', description: 'b' };\n${line}\n`);
    expect(err.kind).toBe('syntax');
    expect(err.where).toEqual({ line: atLine, column: atColumn });
  });

  test('a second export next to meta is refused even when it is a workflow', () => {
    const err = sourceError("export const meta = { name: 'a', description: 'b' };\nexport const workflow = { name: 'c', description: 'd', run() {} };");
    expect(err.where.line).toBe(2);
  });
});
