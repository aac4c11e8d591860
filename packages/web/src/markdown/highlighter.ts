import { common, createLowlight } from 'lowlight';
import type { Element, ElementContent, Root } from 'hast';

/**
 * Syntax colouring by highlight.js grammars through lowlight (a tree, never an HTML string).
 * This module is loaded on first use, in its own chunk, with the 37 common grammars bundled:
 * nothing is fetched from elsewhere at run time.
 */
const lowlight = createLowlight(common);

/** A run of text and the highlight.js classes around it (null: plain). */
export interface Token {
  text: string;
  cls: string | null;
}

/** The grammar for a fence's info string or a file name's extension, if one is bundled. */
export function grammarFor(nameOrPath: string): string | null {
  const base = nameOrPath.trim().toLowerCase();
  if (base === '') return null;
  const file = base.split('/').pop()!;
  if (file === 'dockerfile' || file === 'makefile') return lowlight.registered(file) ? file : null;
  const ext = file.includes('.') ? file.slice(file.lastIndexOf('.') + 1) : file;
  for (const name of [base, ext]) if (lowlight.registered(name)) return name;
  return null;
}

/**
 * Code as coloured lines: the grammar sees the whole text (so a block comment spanning lines
 * stays a comment), then the tree is cut at each newline, keeping each run's classes.
 */
export function highlightLines(code: string, grammar: string): Token[][] {
  const root: Root = lowlight.highlight(grammar, code);
  const lines: Token[][] = [[]];
  const walk = (nodes: readonly (ElementContent | Root['children'][number])[], cls: string | null) => {
    for (const n of nodes) {
      if (n.type === 'text') {
        const parts = n.value.split('\n');
        parts.forEach((part, i) => {
          if (i > 0) lines.push([]);
          if (part !== '') lines.at(-1)!.push({ text: part, cls });
        });
      } else if (n.type === 'element') {
        const own = classOf(n);
        walk(n.children, own ? (cls ? `${cls} ${own}` : own) : cls);
      }
    }
  };
  walk(root.children, null);
  return lines;
}

function classOf(e: Element): string | null {
  const c = e.properties.className;
  return Array.isArray(c) ? c.join(' ') : typeof c === 'string' ? c : null;
}
