import type { Command } from 'commander';

/** One command of the tree as completion sees it: its words, subcommands and options. */
interface Node {
  /** `''` for boocode itself, else e.g. `project add`. */
  path: string;
  description: string;
  commands: { name: string; description: string }[];
  options: { flags: string[]; description: string; takesValue: boolean; choices: string[] }[];
}

/** Every command of the tree, the program first. */
function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const walk = (cmd: Command, path: string) => {
    const visible = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      description: cmd.description(),
      commands: visible.map((c) => ({ name: c.name(), description: c.description() })),
      options: [
        ...cmd.options
          .filter((o) => !o.hidden)
          .map((o) => ({
            flags: [o.short, o.long].filter((f): f is string => !!f),
            description: o.description,
            takesValue: o.required || o.optional,
            choices: o.argChoices ?? [],
          })),
        { flags: ['-h', '--help'], description: 'show help', takesValue: false, choices: [] },
      ],
    });
    for (const c of visible) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return nodes;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(nodes: Node[]): string {
  const paths = nodes.filter((n) => n.path).map((n) => n.path);
  const words = nodes.map((n) => `    ${sq(n.path)}) words=${sq([...n.commands.map((c) => c.name), ...n.options.flatMap((o) => o.flags)].join(' '))} ;;`);
  const values = nodes.flatMap((n) =>
    n.options
      .filter((o) => o.takesValue)
      .flatMap((o) =>
        o.flags.map((f) => `    ${sq(`${n.path}|${f}`)}) ${o.choices.length ? `COMPREPLY=($(compgen -W ${sq(o.choices.join(' '))} -- "$cur"))` : 'COMPREPLY=($(compgen -f -- "$cur"))'}; return ;;`),
      ),
  );
  return `# boocode completion for bash: add to ~/.bashrc
#   source <(boocode completion bash)
_boocode() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="" next words i p
  local paths=(${paths.map(sq).join(' ')})
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="\${cmdpath:+$cmdpath }\${COMP_WORDS[i]}"
    for p in "\${paths[@]}"; do [[ "$p" == "$next" ]] && cmdpath="$next" && break; done
  done
  case "$cmdpath|$prev" in
${values.join('\n')}
  esac
  case "$cmdpath" in
${words.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _boocode boocode
`;
}

const zq = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, `'\\''`);

function zsh(nodes: Node[]): string {
  const paths = nodes.filter((n) => n.path).map((n) => n.path);
  const cases = nodes.map((n) => {
    const cmds = n.commands.map((c) => `'${zq(c.name)}:${zq(c.description)}'`);
    const opts = n.options.flatMap((o) => o.flags.map((f) => `'${zq(f)}:${zq(o.description)}'`));
    return `    ${sq(n.path)}) cmds=(${cmds.join(' ')}); opts=(${opts.join(' ')}) ;;`;
  });
  const values = nodes.flatMap((n) =>
    n.options
      .filter((o) => o.takesValue)
      .flatMap((o) => o.flags.map((f) => `    ${sq(`${n.path}|${f}`)}) ${o.choices.length ? `compadd -- ${o.choices.map(sq).join(' ')}` : '_files'}; return ;;`)),
  );
  return `#compdef boocode
# boocode completion for zsh: add to ~/.zshrc (after compinit)
#   source <(boocode completion zsh)
_boocode() {
  local cmdpath="" next i
  local -a paths cmds opts
  paths=(${paths.map(sq).join(' ')})
  for ((i = 2; i < CURRENT; i++)); do
    next="\${cmdpath:+$cmdpath }\${words[i]}"
    (( \${paths[(Ie)$next]} )) && cmdpath="$next"
  done
  case "$cmdpath|\${words[CURRENT-1]}" in
${values.join('\n')}
  esac
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _describe -t options 'option' opts
  elif (( \${#cmds} )); then
    _describe -t commands 'command' cmds
  else
    _files
  fi
}
compdef _boocode boocode
`;
}

function fish(nodes: Node[]): string {
  const lines = nodes.flatMap((n) => {
    const cond = `-n ${sq(`__boocode_path_is ${sq(n.path)}`)}`;
    return [
      ...n.commands.map((c) => `complete -c boocode ${cond} -f -a ${sq(c.name)} -d ${sq(c.description)}`),
      ...n.options.map((o) => {
        const flags = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
        const value = o.takesValue ? (o.choices.length ? ` -x -a ${sq(o.choices.join(' '))}` : ' -r') : '';
        return `complete -c boocode ${cond} ${flags}${value} -d ${sq(o.description)}`;
      }),
    ];
  });
  return `# boocode completion for fish: save as ~/.config/fish/completions/boocode.fish
#   boocode completion fish > ~/.config/fish/completions/boocode.fish
set -g __boocode_paths ${nodes.filter((n) => n.path).map((n) => sq(n.path)).join(' ')}
function __boocode_path_is
  set -l cmdpath ''
  for w in (commandline -opc)[2..-1]
    set -l next (string trim -- "$cmdpath $w")
    contains -- $next $__boocode_paths; and set cmdpath $next
  end
  test "$cmdpath" = "$argv[1]"
end
${lines.join('\n')}
`;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script of a shell for this command tree. */
export function completionScript(shell: Shell, program: Command): string {
  const nodes = commandTree(program);
  return shell === 'bash' ? bash(nodes) : shell === 'zsh' ? zsh(nodes) : fish(nodes);
}
