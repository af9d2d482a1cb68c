/**
 * A character's example dialogue (`{{user}}: …` / `{{char}}: …` lines, the
 * character card convention, `<START>` between exchanges) read as exchanges:
 * what was asked, and how the character answered. The simulated character
 * answers from them and borrows their flavour.
 */
export interface Exchange {
  asked: string;
  answered: string;
}

const TURN = /^\s*\{\{\s*(user|char)\s*\}\}\s*:\s*(.*)$/i;

/** The exchanges, in order; a character line without a question before it answers "". */
export function exchangesOf(examples: string): Exchange[] {
  const exchanges: Exchange[] = [];
  let asked = '';
  let current: { who: 'user' | 'char'; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const text = current.lines.join(' ').trim();
    if (current.who === 'user') asked = text;
    else if (text) {
      exchanges.push({ asked, answered: text });
      asked = '';
    }
    current = undefined;
  };
  for (const line of examples.split('\n')) {
    if (/^\s*<START>\s*$/i.test(line)) {
      close();
      asked = '';
      continue;
    }
    const turn = TURN.exec(line);
    if (turn) {
      close();
      current = { who: turn[1]!.toLowerCase() as 'user' | 'char', lines: [turn[2]!] };
    } else if (current) current.lines.push(line);
  }
  close();
  return exchanges;
}

/**
 * Short exclamations the character opens its example lines with ("Aye!",
 * "Oh, wonderful!"): at most three words before a "!", followed by more.
 */
export function flavourOpeners(exchanges: readonly Exchange[]): string[] {
  const openers = new Set<string>();
  for (const { answered } of exchanges) {
    const first = /^([^.!?]{1,30}!)\s+\S/.exec(answered)?.[1];
    if (first && first.split(/\s+/).length <= 3) openers.add(first);
  }
  return [...openers];
}
