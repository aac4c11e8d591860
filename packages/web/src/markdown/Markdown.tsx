import { memo, useMemo, type ReactNode } from 'react';
import type { Block, Inline } from './ast';
import { parseMarkdown, splitChunks } from './parseMarkdown';
import { CodeBlock } from './CodeBlock';

/**
 * Renders markdown as React elements (never as an HTML string), so message text cannot inject
 * markup. The text is cut into chunks that render separately: while a message streams, only
 * its last chunk changes, so only that one is parsed and rendered again.
 */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  const chunks = useMemo(() => splitChunks(source), [source]);
  return (
    <div className="markdown">
      {chunks.map((chunk, i) => (
        <MarkdownChunk key={i} source={chunk} />
      ))}
    </div>
  );
});

const MarkdownChunk = memo(function MarkdownChunk({ source }: { source: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return <>{blocks.map(renderBlock)}</>;
});

function renderBlock(b: Block, key: number): ReactNode {
  switch (b.t) {
    case 'p':
      return <p key={key}>{b.c.map(renderInline)}</p>;
    case 'h': {
      const H = `h${Math.min(6, b.level + 1)}` as 'h2';
      return <H key={key}>{b.c.map(renderInline)}</H>;
    }
    case 'code':
      return <CodeBlock key={key} code={b.v} lang={b.lang} />;
    case 'list': {
      const items = b.items.map((item, i) => <li key={i}>{item.map(renderBlock)}</li>);
      return b.ordered ? (
        <ol key={key} start={b.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={key}>{b.c.map(renderBlock)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'table':
      return (
        <div key={key} className="markdown__table-wrap">
          <table>
            <thead>
              <tr>
                {b.head.map((cell, i) => (
                  <th key={i} style={b.align[i] ? { textAlign: b.align[i]! } : undefined}>
                    {cell.map(renderInline)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {b.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} style={b.align[i] ? { textAlign: b.align[i]! } : undefined}>
                      {cell.map(renderInline)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    default: {
      const unhandled: never = b;
      return unhandled;
    }
  }
}

function renderInline(n: Inline, key: number): ReactNode {
  switch (n.t) {
    case 'text':
      return n.v;
    case 'code':
      return <code key={key}>{n.v}</code>;
    case 'strong':
      return <strong key={key}>{n.c.map(renderInline)}</strong>;
    case 'em':
      return <em key={key}>{n.c.map(renderInline)}</em>;
    case 'del':
      return <del key={key}>{n.c.map(renderInline)}</del>;
    case 'link':
      return (
        <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
          {n.c.map(renderInline)}
        </a>
      );
    case 'br':
      return <br key={key} />;
    default: {
      const unhandled: never = n;
      return unhandled;
    }
  }
}
