/** A character's Markdown: the parser's tree, its rendering, streaming, cost, the copy button and the styles. */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html, nothing, render } from 'lit/html.js';
import type { ChatEntry } from '../controllers/message-list.js';
import { adoptStyles } from '../adopt-styles.js';
import { launcherStyles } from '../tipsy-chat/launcher.styles.js';
import { chatStyles } from './chat.styles.js';
import { parseInline, parseMarkdown } from './markdown.js';
import { loadMarkdown } from './markdown-loader.js';
import { markdownRenderer } from './markdown-view.js';
import { renderEntry } from './message-view.js';
import { chatEn, launcherEn } from '../i18n/strings.js';
import { translator } from '../i18n/translate.js';

const t = translator(() => ({ ...launcherEn, ...chatEn }));
const renderMarkdown = markdownRenderer({ html, nothing });
// renderEntry shows a character's Markdown once the renderer module is here.
before(() => loadMarkdown());

/** A bubble as the chat shows it, in a shadow root with the chat's real styles. */
function chatRoot(theme: 'light' | 'dark' = 'light') {
  const host = document.createElement('div');
  host.setAttribute('theme', theme);
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, launcherStyles);
  adoptStyles(root, chatStyles);
  return { host, root };
}

const entry = (content: string, sender: ChatEntry['sender'] = 'character', status: ChatEntry['status'] = 'sent'): ChatEntry => ({
  key: 'k',
  seq: 2,
  sender,
  content,
  status,
  createdAt: new Date(0).toISOString(),
});

function shown(text: string): HTMLElement {
  const box = document.createElement('div');
  document.body.append(box);
  render(html`${renderMarkdown(text, t)}`, box);
  return box;
}

/** The rendered tags and text, without lit's comment markers. */
function markup(node: Node): string {
  return [...node.childNodes]
    .map((child) => {
      if (child instanceof Text) return child.data.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      if (!(child instanceof Element)) return '';
      const attributes = [...child.attributes].map((a) => ` ${a.name}="${a.value}"`).join('');
      return `<${child.localName}${attributes}>${markup(child)}</${child.localName}>`;
    })
    .join('');
}

const contrast = (a: number[], b: number[]) => {
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
const rgba = (css: string) => css.match(/[\d.]+/g)!.map(Number);
/** A translucent colour laid over an opaque one. */
const over = (top: number[], under: number[]) => under.slice(0, 3).map((v, i) => top[i]! * (top[3] ?? 1) + v * (1 - (top[3] ?? 1)));

describe('Markdown: the parser', () => {
  it('reads paragraphs, line breaks, headings, lists with one nested level, quotes and code fences', () => {
    const tree = parseMarkdown(
      '## Menu\nTonight only\nat the bar\n\n- gin\n- rum\n  - dark\n  - white\n\n3. three\n4. four\n\n> said **once**\n> > twice\n\n```js\nlet a = 1;\n\nlet b = 2;\n```\nafter',
    );
    expect(tree).to.deep.equal([
      { t: 'p', c: [{ t: 'strong', c: ['Menu'] }] },
      { t: 'p', c: ['Tonight only\nat the bar'] },
      {
        t: 'ul',
        start: 1,
        c: [{ c: ['gin'] }, { c: ['rum'], sub: { t: 'ul', start: 1, c: [{ c: ['dark'] }, { c: ['white'] }] } }],
      },
      { t: 'ol', start: 3, c: [{ c: ['three'] }, { c: ['four'] }] },
      { t: 'q', c: [{ t: 'p', c: ['said ', { t: 'strong', c: ['once'] }] }, { t: 'q', c: [{ t: 'p', c: ['twice'] }] }] },
      { t: 'pre', c: 'let a = 1;\n\nlet b = 2;' },
      { t: 'p', c: ['after'] },
    ]);
  });

  it('keeps one list across blank lines between its items, and continues an item on the lines that follow it', () => {
    expect(parseMarkdown('1. one\n\n2. two\n   more of two\n\nThe end')).to.deep.equal([
      { t: 'ol', start: 1, c: [{ c: ['one'] }, { c: ['two\nmore of two'] }] },
      { t: 'p', c: ['The end'] },
    ]);
  });

  it('reads emphasis, code, links, bare URLs and escapes', () => {
    expect(parseInline('a *em* _em_ **strong** __strong__ `<code>` \\*not\\* [site](https://example.com/a?b=1) https://example.com/x.')).to.deep.equal([
      'a ',
      { t: 'em', c: ['em'] },
      ' ',
      { t: 'em', c: ['em'] },
      ' ',
      { t: 'strong', c: ['strong'] },
      ' ',
      { t: 'strong', c: ['strong'] },
      ' ',
      { t: 'code', c: '<code>' },
      ' *not* ',
      { t: 'a', href: 'https://example.com/a?b=1', c: ['site'] },
      ' ',
      { t: 'a', href: 'https://example.com/x', c: ['https://example.com/x'] },
      '.',
    ]);
    expect(parseInline('**bold _and italic_** snake_case_name 2 * 3 * 4')).to.deep.equal([
      { t: 'strong', c: ['bold ', { t: 'em', c: ['and italic'] }] },
      ' snake_case_name 2 * 3 * 4',
    ]);
  });

  it('links only absolute http:, https: and mailto: URLs; any other stays the text written', () => {
    for (const text of [
      '[x](javascript:alert(1))',
      '[x](javascript:void0)',
      '[x](JaVaScRiPt:void0)',
      '[x]( javascript:void0)',
      '[x](java&#115;cript:void0)',
      '[x](&#106;avascript:void0)',
      '[x](data:text/html,hi)',
      '[x](vbscript:msgbox)',
      '[x](/relative/path)',
      '[x](//example.com)',
      '[x](file:///etc/passwd)',
    ]) {
      expect(parseInline(text), text).to.deep.equal([text]);
    }
    expect(parseInline('[write](mailto:bar@example.com)')).to.deep.equal([{ t: 'a', href: 'mailto:bar@example.com', c: ['write'] }]);
  });

  it('shows what never closes as the characters written', () => {
    expect(parseInline('**half of it')).to.deep.equal(['**half of it']);
    expect(parseInline('`half')).to.deep.equal(['`half']);
    expect(parseInline('[half](/exa')).to.deep.equal(['[half](/exa']);
    expect(parseMarkdown('```\nstill writing')).to.deep.equal([{ t: 'pre', c: 'still writing' }]);
  });
});

describe('Markdown: the rendering', () => {
  afterEach(() => document.querySelectorAll('body > div').forEach((el) => el.remove()));

  it('renders the subset as elements and every piece of text as text', () => {
    const box = shown('Hi **there** <b>you</b>\n\n- [menu](https://example.com/menu)\n\n> `x < y`\n\n```\n<script>alert(1)</script>\n```');
    expect(markup(box)).to.equal(
      '<p>Hi <strong>there</strong> &lt;b>you&lt;/b></p>' +
        '<ul><li><a target="_blank" rel="noopener noreferrer" href="https://example.com/menu">menu</a></li></ul>' +
        '<blockquote><p><code>x &lt; y</code></p></blockquote>' +
        '<pre part="code-block"><button part="copy-button">Copy</button><code>&lt;script>alert(1)&lt;/script></code></pre>',
    );
    expect(box.querySelectorAll('b, script')).to.have.length(0);
    expect(box.querySelector('p')!.textContent).to.equal('Hi there <b>you</b>');
  });

  it('numbers an ordered list from its first number', () => {
    expect(shown('7. seven\n8. eight').querySelector('ol')!.start).to.equal(7);
  });

  it('leaves a visitor’s message as plain text, with its direction read from the text', () => {
    const box = document.createElement('div');
    document.body.append(box);
    render(renderEntry(entry('**not bold** [x](https://example.com)', 'user'), () => {}, t), box);
    const text = box.querySelector('.text')!;
    expect(text.children).to.have.length(0);
    expect(text.textContent).to.equal('**not bold** [x](https://example.com)');
    expect(text.getAttribute('dir')).to.equal('auto');
    render(renderEntry(entry('**bold**'), () => {}, t), box);
    expect(box.querySelector('.text strong')!.textContent).to.equal('bold');
    expect(box.querySelector('.text')!.getAttribute('dir')).to.equal('auto');
  });

  it('keeps the nodes already shown while a reply streams in, token by token', () => {
    const box = document.createElement('div');
    document.body.append(box);
    const reply = 'First *paragraph* here.\n\n- one\n- two\n\n```py\nprint(1)\nprint(2)\n```\n\nLast **kind words** here.';
    const tokens = reply.match(/\S+\s*/g)!;
    let text = '';
    let firstParagraph: Element | undefined;
    let firstItem: Element | undefined;
    let codeBlock: Element | undefined;
    let codeWhileOpen = '';
    for (const token of tokens) {
      text += token;
      render(renderEntry(entry(text, 'character', 'streaming'), () => {}, t), box);
      firstParagraph ??= box.querySelector('p') ?? undefined;
      expect(box.querySelector('p'), `after "${text}"`).to.equal(firstParagraph);
      if (box.querySelector('li')) expect(box.querySelector('li'), `after "${text}"`).to.equal((firstItem ??= box.querySelector('li')!));
      if (box.querySelector('pre')) {
        expect(box.querySelector('pre'), `after "${text}"`).to.equal((codeBlock ??= box.querySelector('pre')!));
        if (text.includes('print(1)')) codeWhileOpen ||= box.querySelector('pre code')!.textContent!;
      }
      // An emphasis not closed yet shows its marks; the paragraph does not change element meanwhile.
      if (text.endsWith('**kind ')) expect(box.querySelectorAll('p')[1]!.textContent).to.equal('Last **kind');
      if (text.endsWith('words** ')) expect(box.querySelectorAll('p')[1]!.querySelector('strong')!.textContent).to.equal('kind words');
    }
    expect(codeWhileOpen, 'the fence renders as a code block while it is written').to.equal('print(1)\n');
    expect(firstParagraph!.isConnected).to.be.true;
    expect(box.querySelectorAll('p')).to.have.length(2);
  });

  it('parses and renders hostile nesting quickly, and caps how many pieces a paragraph renders', () => {
    for (const text of ['*'.repeat(5000) + 'a', '['.repeat(5000), '**a'.repeat(3000), '_a'.repeat(3000), '[a]('.repeat(1500), '> '.repeat(2000) + 'x']) {
      const box = document.createElement('div');
      document.body.append(box);
      const started = performance.now();
      render(html`${renderMarkdown(text, t)}`, box);
      const took = performance.now() - started;
      expect(took, `${JSON.stringify(text.slice(0, 12))}… took ${took.toFixed(1)} ms`).to.be.below(100);
      expect(box.querySelectorAll('*').length).to.be.below(101);
      box.remove();
    }
  });

  it('copies a code block’s text from a keyboard-reachable button, and says so', async () => {
    const { host, root } = chatRoot();
    const before = document.createElement('input');
    host.before(before);
    render(renderEntry(entry('```sh\nnpm install tipsy\n```'), () => {}, t), root);
    const copied: string[] = [];
    const writeText = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (text: string) => {
      copied.push(text);
      return writeText(text);
    };
    try {
      before.focus();
      await sendKeys({ press: 'Tab' });
      const button = root.activeElement as HTMLButtonElement;
      expect(button?.getAttribute('part')).to.equal('copy-button');
      expect(button.textContent).to.equal('Copy');
      await sendKeys({ press: 'Enter' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(copied).to.deep.equal(['npm install tipsy']);
      expect(button.textContent).to.equal('Copied');
    } finally {
      Reflect.deleteProperty(navigator.clipboard, 'writeText');
      before.remove();
      host.remove();
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`keeps links, quotes and code readable on the bubble (${theme})`, () => {
      const { host, root } = chatRoot(theme);
      render(renderEntry(entry('[a link](https://example.com) `code`\n\n> quoted\n\n```\nblock\n```'), () => {}, t), root);
      const bubble = getComputedStyle(root.querySelector('.message')!).backgroundColor;
      const background = rgba(bubble);
      const pre = rgba(getComputedStyle(root.querySelector('pre')!).backgroundColor);
      for (const selector of ['a', 'blockquote p', 'p code', 'pre code']) {
        const style = getComputedStyle(root.querySelector(selector)!);
        const under = selector === 'pre code' ? over(pre, background) : selector === 'p code' ? over(rgba(style.backgroundColor), background) : background;
        expect(contrast(rgba(style.color), under), `${selector} on ${bubble}`).to.be.at.least(4.5);
      }
      expect(getComputedStyle(root.querySelector('a')!).textDecorationLine).to.equal('underline');
      expect(getComputedStyle(root.querySelector('pre')!).overflowX).to.equal('auto');
      expect(parseFloat(getComputedStyle(root.querySelector('blockquote')!).borderLeftWidth)).to.be.above(0);
      host.remove();
    });
  }
});
