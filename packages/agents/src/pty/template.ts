/**
 * The argument template of a one-shot terminal agent (`agents.<name>.args` of kind `pty`):
 * `{prompt}`, `{model}` and `{worktree}` inside any argument are replaced for each turn. An
 * argument holding `{model}` when the session has no model is left out, and so is the flag just
 * before it (`["--model", "{model}"]` both go): the CLI then uses its own default.
 */

export const PLACEHOLDERS = ['prompt', 'model', 'worktree'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** Why the template cannot be used, as sentences; empty when it can. */
export function templateProblems(args: readonly string[]): string[] {
  const problems: string[] = [];
  for (const arg of args) {
    for (const m of arg.matchAll(PLACEHOLDER)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        problems.push(`unknown placeholder {${m[1]}} in "${arg}" (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
      }
    }
  }
  if (!args.some((a) => a.includes('{prompt}'))) problems.push('no argument holds {prompt}: the command would never see the message');
  return problems;
}

const isFlag = (arg: string): boolean => arg.startsWith('-') && !arg.includes('{');

/** The command's arguments for one turn. Each value is one argv element: no shell ever reads it. */
export function fillTemplate(args: readonly string[], values: { prompt: string; model: string | null; worktree: string }): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    if (values.model === null && arg.includes('{model}')) {
      // The flag that introduced it goes too (it was pushed just before, unchanged).
      if (i > 0 && isFlag(args[i - 1]!) && out[out.length - 1] === args[i - 1]) out.pop();
      return;
    }
    out.push(arg.replace(PLACEHOLDER, (whole, name: string) => (name === 'model' ? (values.model ?? '') : name === 'prompt' ? values.prompt : name === 'worktree' ? values.worktree : whole)));
  });
  return out;
}
