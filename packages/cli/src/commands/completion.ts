import { Argument, type Command } from 'commander';
import { withExamples } from '../command.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';

export function registerCompletion(program: Command): void {
  withExamples(
    program
      .command('completion')
      .description('print the shell completion script for bash, zsh or fish')
      .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS)),
    ['source <(boocode completion bash)    # in ~/.bashrc', 'source <(boocode completion zsh)     # in ~/.zshrc', 'boocode completion fish > ~/.config/fish/completions/boocode.fish'],
  ).action((shell: Shell) => {
    process.stdout.write(completionScript(shell, program));
  });
}
