import type { IdKind, IdMatch } from '@boocode/contracts';
import type { ApiClient } from '@boocode/client';
import { CliError, ExitCode, notFoundError, usageError } from './exit-codes.js';

/** How ids are shown to people: enough of them to be unique in practice, as git shows commits. */
export const shortId = (id: string): string => id.slice(0, 8);

const KIND_NAMES: Record<IdKind, string> = { project: 'project', session: 'session', chat: 'chat', task: 'task', permission: 'permission request', workflow_run: 'workflow run' };
const kindsText = (kinds: readonly IdKind[]) => kinds.map((k) => KIND_NAMES[k]).join(' or ');

/**
 * The full id named by `text`: a whole id, or a prefix of at least 4 hex digits that names exactly
 * one thing of the kinds given. Nothing: exit 3; several: a usage error listing them.
 */
export async function resolveId(api: ApiClient, text: string, kinds: readonly IdKind[]): Promise<IdMatch> {
  const { Id, IdPrefix } = await import('@boocode/contracts');
  // A whole id of the only kind asked for needs no lookup: the call that uses it says if it exists.
  if (kinds.length === 1 && Id.safeParse(text.toLowerCase()).success) return { kind: kinds[0]!, id: text.toLowerCase() };
  const prefix = IdPrefix.safeParse(text);
  if (!prefix.success) {
    const digits = text.replace(/-/g, '');
    if (/^[0-9a-fA-F]{1,3}$/.test(digits)) throw usageError(`${text}: give at least 4 characters of the ${kindsText(kinds)} id`);
    throw notFoundError(`no ${kindsText(kinds)} ${text} (give an id, or a unique start of one)`);
  }
  const { items } = await api.call('resolveIds', { query: { prefix: text, kinds: kinds.join(',') } });
  if (items.length === 0) throw notFoundError(`no ${kindsText(kinds)} with an id starting ${text}`);
  if (items.length > 1) {
    const list = items.map((m) => `  ${KIND_NAMES[m.kind]} ${m.id}`).join('\n');
    throw new CliError(ExitCode.Usage, `${text} is ambiguous; it starts these ids (give more characters):\n${list}`);
  }
  return items[0]!;
}

/** The full id of one kind. */
export const resolve = async (api: ApiClient, text: string, kind: IdKind): Promise<string> => (await resolveId(api, text, [kind])).id;
