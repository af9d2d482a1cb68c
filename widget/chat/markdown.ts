/**
 * The Markdown a character may write, parsed into a tree (widget/chat/markdown-view.ts renders it;
 * nothing here is ever HTML). The subset:
 *
 * - paragraphs (split by a blank line); a single line break stays a line break;
 * - `# headings` (any level), shown as a bold paragraph;
 * - fenced code blocks (three or more backticks, closed by the same number; a language after them
 *   is allowed, not kept); one not closed yet is a code block still being written;
 * - lists with `-`, `*`, `+` or `1.`/`1)`, and one level of nested list (an item indented more
 *   than its list's first item; deeper ones join that level); lines that follow an item continue it;
 * - block quotes (`>`), holding any of these, nested up to three deep;
 * - inline: `*em*`/`_em_`, `**strong**`/`__strong__` (one inside the other with the other
 *   character: `**bold _and italic_**`), `code` (single backticks), `[text](url)` (no brackets in
 *   the text, no spaces or parentheses in the URL), bare http(s) URLs and backslash escapes. A
 *   link is kept only when its URL is absolute http:, https: or mailto:; any other is shown as
 *   the text that was written.
 *
 * Linear in the text's length: each line is looked at once (a quote's lines once more per level),
 * and inline tokens are found by a regular expression whose every attempt stops at the next
 * character of its kind (see TOKEN).
 */

export type Inline =
  | string
  | { t: 'em' | 'strong'; c: Inline[] }
  | { t: 'a'; c: Inline[]; href: string }
  | { t: 'code'; c: string };

export interface ListItem {
  c: Inline[];
  sub?: List;
}

export interface List {
  t: 'ul' | 'ol';
  start: number;
  /** Its items. */
  c: ListItem[];
}

export type Block = { t: 'p'; c: Inline[] } | { t: 'q'; c: Block[] } | { t: 'pre'; c: string } | List;

/**
 * What a line starts with, after its indent: a fence (and its info string, which holds no backtick:
 * ```a``` on a line of prose is not a fence), a heading's #s, a quote's >, or a list marker. It
 * always matches, at the first try; `rest` is what follows the marker.
 */
const LINE = /^( *)(?:(`{3,})([^`]*)$|(#{1,6}) +|(>) ?|([-*+]|(\d{1,9})[.)]) +)?([^]*)/;
const QUOTE_DEPTH = 3;

export function parseMarkdown(text: string, depth = 0): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n'); // a CR left at a line's end shows as a space
  /** The open paragraph's, quote's or list item's lines, held until it ends. */
  let held: string[] = [];
  let kind: '' | 'p' | '>' | '-' = '';
  let list: List | undefined;
  let listIndent = '';
  let item: ListItem | undefined;
  const close = () => {
    const joined = held.join('\n');
    if (kind === 'p') blocks.push({ t: 'p', c: parseInline(joined) });
    if (kind === '>') blocks.push({ t: 'q', c: parseMarkdown(joined, depth + 1) });
    if (kind === '-') item!.c = parseInline(joined);
    held = [];
    kind = '';
  };
  /** Anything but a list item or a blank line ends the list. */
  const closeAll = () => {
    close();
    list = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const [, indent, fence, , heading, quote, marker, number, rest] = LINE.exec(line)!;
    if (fence) {
      closeAll();
      const code: string[] = [];
      while (++i < lines.length && lines[i]!.trim() !== fence) code.push(lines[i]!);
      blocks.push({ t: 'pre', c: code.join('\n') });
    } else if (!line.trim()) {
      close(); // a list stays open across blank lines, for its next item
    } else if (quote && depth < QUOTE_DEPTH) {
      if (kind !== '>') closeAll();
      kind = '>';
      held.push(rest!);
    } else if (marker) {
      close();
      const t = number ? 'ol' : 'ul';
      const start = +(number ?? 1);
      const parent = list?.c[list.c.length - 1];
      item = { c: [] };
      if (parent && indent! > listIndent) (parent.sub ??= { t, start, c: [] }).c.push(item);
      else {
        if (list?.t !== t) blocks.push((list = { t, start, c: [] }));
        listIndent = indent!;
        list.c.push(item);
      }
      kind = '-';
      held.push(rest!);
    } else if (heading) {
      closeAll();
      blocks.push({ t: 'p', c: [{ t: 'strong', c: parseInline(rest!) }] });
    } else {
      // Text continues the open paragraph, quote or item, or starts a paragraph.
      if (!kind) closeAll();
      kind ||= 'p';
      held.push(line.trim());
    }
  }
  close();
  return blocks;
}

/**
 * One inline token at a time: an escape, `code`, [text](url), a bare URL (to its last letter,
 * digit or slash), emphasis with * or ** (or _ and __) around text that starts and ends with a
 * non-space and holds none of its own mark, a longer run of marks (text), or plain text. Each
 * alternative stops at the next character of its kind, so a failed attempt scans only up to where
 * the next one starts: linear.
 */
const TOKEN =
  /\\([^\w\s])|`([^`]+)`|\[([^[\]]*)\]\(([^\s()]*)\)|(https?:\/\/[^\s<>"]*[\w/])|(\*\*?)([^\s*](?:[^*]*[^\s*])?)\6|(__?)([^\s_](?:[^_]*[^\s_])?)\8|[*_]{3,}|[^\\`[h*_]+|[^]/y;
/** Underscores inside a word (snake_case) are text. */
const WORD = /\w/;

/** The URL to link to, normalised, or '' when it is not an absolute http(s) or mailto URL. */
export function safeHref(raw: string): string {
  try {
    const url = new URL(raw);
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : '';
  } catch {
    return '';
  }
}

/** Past this many pieces, the rest of a paragraph is text: what it costs to render stays bounded. */
const INLINE_MAX = 99;

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  for (let i = 0; i < s.length; ) {
    if (out.length > INLINE_MAX) {
      out.push(s.slice(i));
      break;
    }
    TOKEN.lastIndex = i;
    const [token, escaped, code, text, url, bare, stars, starred, lines, lined] = TOKEN.exec(s)!;
    const start = i;
    i = TOKEN.lastIndex;
    const target = url ?? bare;
    const href = target ? safeHref(target) : '';
    const mark = stars ?? lines;
    let node: Inline = escaped ?? token; // plain text, or a link whose URL is not allowed: the characters written
    if (code) node = { t: 'code', c: code };
    else if (href) node = { t: 'a', href, c: bare ? [bare] : parseInline(text || href) };
    else if (lines && (WORD.test(s[start - 1] ?? '') || WORD.test(s[i] ?? ''))) i = start + (node = lines).length;
    // Emphasis holds none of its own mark, so it nests at most two deep (**bold _and italic_**).
    else if (mark) node = { t: mark[1] ? 'strong' : 'em', c: parseInline(starred ?? lined!) };
    const last = out.length - 1;
    if (typeof node === 'string' && typeof out[last] === 'string') out[last] += node;
    else out.push(node);
  }
  return out;
}
