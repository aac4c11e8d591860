import type * as acp from '@agentclientprotocol/sdk/unstable';

/** The choices of a select option, with groups flattened. */
export function selectValues(opt: acp.SessionConfigOption): acp.SessionConfigSelectOption[] {
  if (opt.type !== 'select') return [];
  return opt.options.flatMap((x) => ('group' in x ? x.options : [x]));
}

/** The agent's model option (category `model`, or id `model` for agents that omit categories). */
export function modelOption(options: acp.SessionConfigOption[]): acp.SessionConfigOption | undefined {
  return options.find((o) => o.category === 'model' || o.id === 'model');
}

/**
 * The value to select for a model the user named: exact value, or a value ending in `/<model>`
 * (`fake-model` picks `fake/fake-model`), or a display name.
 */
export function matchModel(opt: acp.SessionConfigOption, want: string): acp.SessionConfigSelectOption | undefined {
  const values = selectValues(opt);
  return values.find((v) => v.value === want) ?? values.find((v) => v.value.endsWith(`/${want}`)) ?? values.find((v) => v.name === want);
}
