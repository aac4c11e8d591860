import { Option, type Command } from 'commander';
import type { Permission, PermissionDecision, PermissionStatus } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { formatAge } from '../duration.js';
import { usageError } from '../exit-codes.js';
import { resolve, shortId } from '../ids.js';
import { outputMode, printResult } from '../output/format.js';
import { renderTable, type Columns } from '../output/table.js';

const DECISIONS: Record<string, PermissionDecision> = {
  allow: 'allow_once',
  allow_once: 'allow_once',
  always: 'allow_always',
  allow_always: 'allow_always',
  reject: 'reject',
};

export function registerPermissions(program: Command): void {
  const permit = clientCommand(
    program
      .command('permit')
      .description("answer an agent's permission request: allow it once, always, or reject it")
      .argument('<id>', 'permission request id or a unique start of it')
      .argument('<answer>', 'allow, always or reject'),
    ['boocode permit ls', 'boocode permit 9f8e7d6c allow', 'boocode permit 9f8e always'],
  ).action(async (text: string, answer: string, opts: ClientOptions) => {
    const decision = DECISIONS[answer];
    if (!decision) throw usageError(`${answer}: answer allow, always or reject`);
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const p = await api.call('answerPermission', { params: { id: await resolve(api, text, 'permission') }, body: { decision } });
    await printResult(mode, { data: p, human: () => `permission ${shortId(p.id)} (${p.title}): ${p.decision}\n`, ids: () => [p.id] });
  });

  clientCommand(
    permit
      .command('ls')
      .description('list permission requests waiting for an answer (all sessions, newest first)')
      .option('--session <session>', 'only this session')
      .addOption(new Option('--status <status>', 'requests in this state').choices(['pending', 'answered', 'cancelled']).default('pending')),
    ['boocode permit ls', 'boocode permit ls --session 1a2b -q'],
  ).action(async (opts: ClientOptions & { session?: string; status: PermissionStatus }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const list = opts.session
      ? await api.call('listPermissions', { params: { id: await resolve(api, opts.session, 'session') }, query: { status: opts.status } })
      : await api.call('listAllPermissions', { query: { status: opts.status } });
    const columns: Columns<Permission> = [
      ['ID', (p) => shortId(p.id)],
      ['SESSION', (p) => shortId(p.session_id)],
      ['KIND', (p) => p.kind ?? ''],
      ['ASKED', (p) => formatAge(p.created_at)],
    ];
    if (opts.status !== 'pending') columns.push(['DECISION', (p) => `${p.decision ?? p.status}${p.decided_by ? ` (${p.decided_by})` : ''}`]);
    columns.push(['TITLE', (p) => p.title]);
    await printResult(mode, {
      data: list,
      human: (paint) => (list.items.length === 0 ? `no ${opts.status} permission requests\n` : renderTable(list.items, columns, paint)),
      ids: () => list.items.map((p) => p.id),
    });
  });
}
