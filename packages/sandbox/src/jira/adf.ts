import { z } from 'zod';

/**
 * Atlassian Document Format, the rich text of REST v3 (descriptions, comments, paragraph fields),
 * and its conversions to and from the wiki-markup strings of REST v2, webhooks and JSM.
 */

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  content?: AdfNode[];
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const adfMark = z.looseObject({ type: z.string().min(1), attrs: z.record(z.string(), z.unknown()).optional() });

const adfNode: z.ZodType<AdfNode> = z.lazy(() =>
  z.looseObject({
    type: z.string().min(1),
    content: z.array(adfNode).optional(),
    text: z.string().optional(),
    attrs: z.record(z.string(), z.unknown()).optional(),
    marks: z.array(adfMark).optional(),
  }),
);

export const adfDocSchema: z.ZodType<AdfDoc> = z.looseObject({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(adfNode),
});

/** What Jira answers when a v3 rich-text field gets anything but a document. */
export const NOT_AN_ADF_DOCUMENT = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

/** Wiki text as Jira stores v2 input: blank lines separate paragraphs, single newlines are hard breaks. */
export function wikiToAdf(text: string): AdfDoc {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.length > 0)
    .map((p): AdfNode => {
      const content: AdfNode[] = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line.length > 0) content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    });
  return { type: 'doc', version: 1, content: paragraphs };
}

/** Renders a document as Jira wiki markup (the v2 and webhook form of rich text). */
export function adfToWiki(doc: AdfDoc): string {
  return doc.content.map((block) => blockToWiki(block)).join('\n\n');
}

/** The document's text without markup (for tests and logs). */
export function adfToPlainText(doc: AdfDoc): string {
  return doc.content.map((block) => plain(block)).join('\n');
}

function plain(node: AdfNode): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  if (node.type === 'mention') return String(node.attrs?.text ?? '');
  const inner = (node.content ?? []).map(plain);
  return isBlockContainer(node.type) ? inner.join('\n') : inner.join('');
}

function isBlockContainer(type: string): boolean {
  return [
    'bulletList',
    'orderedList',
    'listItem',
    'blockquote',
    'panel',
    'table',
    'tableRow',
    'tableCell',
    'tableHeader',
  ].includes(type);
}

function blockToWiki(node: AdfNode, listPrefix = ''): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'paragraph':
      return inlineToWiki(children);
    case 'heading':
      return `h${Number(node.attrs?.level ?? 1)}. ${inlineToWiki(children)}`;
    case 'bulletList':
    case 'orderedList': {
      const marker = `${listPrefix}${node.type === 'bulletList' ? '*' : '#'}`;
      return children.map((item) => listItemToWiki(item, marker)).join('\n');
    }
    case 'codeBlock':
      return `{code}\n${inlineToWiki(children)}\n{code}`;
    case 'blockquote':
      return `{quote}${children.map((c) => blockToWiki(c)).join('\n\n')}{quote}`;
    case 'rule':
      return '----';
    default:
      return children.length > 0 && children.every((c) => isInline(c.type))
        ? inlineToWiki(children)
        : children.map((c) => blockToWiki(c)).join('\n\n');
  }
}

function listItemToWiki(item: AdfNode, marker: string): string {
  return (item.content ?? [])
    .map((c) =>
      c.type === 'bulletList' || c.type === 'orderedList' ? blockToWiki(c, marker) : `${marker} ${blockToWiki(c)}`,
    )
    .join('\n');
}

function isInline(type: string): boolean {
  return ['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status'].includes(type);
}

function inlineToWiki(nodes: AdfNode[]): string {
  return nodes.map(inlineNodeToWiki).join('');
}

function inlineNodeToWiki(node: AdfNode): string {
  switch (node.type) {
    case 'text':
      return (node.marks ?? []).reduce((text, mark) => applyMark(text, mark), node.text ?? '');
    case 'hardBreak':
      return '\n';
    case 'mention':
      return `[~accountid:${String(node.attrs?.id ?? '')}]`;
    case 'emoji':
      return String(node.attrs?.shortName ?? '');
    case 'inlineCard':
      return `[${String(node.attrs?.url ?? '')}|${String(node.attrs?.url ?? '')}|smart-link]`;
    default:
      return inlineToWiki(node.content ?? []);
  }
}

function applyMark(text: string, mark: AdfMark): string {
  switch (mark.type) {
    case 'strong':
      return `*${text}*`;
    case 'em':
      return `_${text}_`;
    case 'code':
      return `{{${text}}}`;
    case 'strike':
      return `-${text}-`;
    case 'underline':
      return `+${text}+`;
    case 'link':
      return `[${text}|${String(mark.attrs?.href ?? '')}]`;
    default:
      return text;
  }
}
