import { paintFor } from '../output/color.js';

/** Progress for people on stderr, so that stdout holds only the data. */
export function progress(text: string): void {
  process.stderr.write(paintFor(process.stderr).dim(text) + '\n');
}
