import { memo, useMemo, type ComponentProps } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Root as MdRoot, RootContent } from 'mdast';
import type { Element } from 'hast';
import { CodeBlock } from './CodeBlock';
import { splitChunks } from './chunks';

/**
 * Message text as GFM (tables, task lists, strikethrough, autolinks) through react-markdown:
 * React elements, never an HTML string. HTML written in the text is shown as text, links
 * pass react-markdown's URL filter (no `javascript:`) and open in a new tab, and images are
 * shown as links (a message cannot make the browser fetch anything). The text is cut into
 * chunks that render separately: while a message streams, only its last chunk is parsed again.
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
  return (
    <ReactMarkdown remarkPlugins={PLUGINS} components={COMPONENTS}>
      {source}
    </ReactMarkdown>
  );
});

/** Raw HTML in a message becomes literal text ("use the <details> element" keeps its tag). */
function htmlAsText() {
  return (tree: MdRoot) => {
    const visit = (node: MdRoot | RootContent) => {
      if (!('children' in node)) return;
      node.children = node.children.map((c) => (c.type === 'html' ? { type: 'text', value: c.value } : c)) as typeof node.children;
      node.children.forEach(visit);
    };
    visit(tree);
  };
}

const PLUGINS = [remarkGfm, htmlAsText];

/** Text of a hast element (a code block's content: text nodes only, nothing is highlighted yet). */
function textOf(e: Element): string {
  return e.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? textOf(c) : '')).join('');
}

function Pre({ node }: ComponentProps<'pre'> & ExtraProps) {
  const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return null;
  const cls = code.properties.className;
  const lang = (Array.isArray(cls) ? cls.map(String) : []).find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? '';
  return <CodeBlock code={textOf(code).replace(/\n$/, '')} lang={lang} />;
}

// A message's headings sit below the chat's own: # is drawn as h2, and so on down.
const shift =
  (Tag: 'h2' | 'h3' | 'h4' | 'h5' | 'h6') =>
  ({ node: _, ...props }: ComponentProps<'h1'> & ExtraProps) => <Tag {...props} />;

const COMPONENTS: Components = {
  pre: Pre,
  h1: shift('h2'),
  h2: shift('h3'),
  h3: shift('h4'),
  h4: shift('h5'),
  h5: shift('h6'),
  h6: shift('h6'),
  a: ({ node: _, href, children, ...props }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : (
      <span>{alt}</span>
    ),
  table: ({ node: _, ...props }) => (
    <div className="markdown__table-wrap">
      <table {...props} />
    </div>
  ),
};
