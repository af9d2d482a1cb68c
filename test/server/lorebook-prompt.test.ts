/**
 * A character's lorebook in the prompt a model receives: a real server, a
 * character speaking through a local OpenAI-compatible endpoint, and the exact
 * system message that endpoint was sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../server/protocol/message.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { startHarness, type Harness } from './harness.js';

const OVER_BUDGET = `LOW PRIORITY: ${'a long aside about the history of bitters, '.repeat(8)}`;

const LOREBOOK = {
  name: 'The Tipsy Fox',
  token_budget: 60,
  scan_depth: 2,
  entries: [
    { keys: ['negroni'], content: 'NEGRONI: gin, bitter orange, sea salt; 12.', insertion_order: 20, priority: 10, position: 'before_char' },
    { keys: ['tour'], secondary_keys: ['price', 'cost'], selective: true, content: 'TOUR PRICE: 15 per adult.', insertion_order: 10, priority: 10, position: 'after_char' },
    { keys: ['negroni'], secondary_keys: ['wedding'], selective: true, content: 'SELECTIVE: needs its secondary key.', insertion_order: 1, priority: 10 },
    { keys: [], constant: true, content: 'CONSTANT: {{char}} never serves {{user}} anything blue.', insertion_order: 5, priority: 10 },
    { keys: ['negroni'], enabled: false, content: 'DISABLED: never inserted.', insertion_order: 0, priority: 10 },
    { keys: ['negroni'], content: OVER_BUDGET, insertion_order: 0, priority: 1 },
    { keys: ['mojito'], content: 'MOJITO: not asked about.', insertion_order: 0, priority: 10 },
  ],
};

describe('lorebook entries in a model’s prompt', () => {
  let h: Harness;
  let model: FakeModel;
  before(async () => {
    model = await startFakeModel();
    h = await startHarness({
      config: { responderEndpoints: LOCAL_MODEL_ENDPOINTS },
    });
    await h.admin().admin.characters.create.mutate({
      slug: 'lore-bar',
      name: 'Marlowe',
      persona: '{{char}} pours for {{user}} at The Tipsy Fox.',
      examples: '{{user}}: Hi!\n{{char}}: Evening!',
      responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'ok' },
      characterBook: LOREBOOK,
    });
  });
  after(async () => {
    await h.close();
    await model.close();
  });

  /** Sends the messages in turn, each after the reply to the one before; resolves with the system message of each request. */
  async function systemPrompts(contents: string[]): Promise<string[]> {
    const { visitorToken, conversationId } = await h.session('lore-bar');
    const socket = await h.socket(visitorToken);
    const prompts: string[] = [];
    for (const content of contents) {
      const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
      const asked = model.requests.length;
      await socket.emitWithAck('send_message', { conversationId, content });
      await reply;
      socket.off('receive_message');
      assert.equal(model.requests.length, asked + 1);
      prompts.push(model.requests.at(-1)!.messages[0]!.content);
    }
    return prompts;
  }

  it('puts the triggered entries, within budget and in insertion order, before and after the persona; and no others', async () => {
    const [system] = await systemPrompts(['What does the tour cost, and what is in a Negroni?']);
    assert.equal(
      system,
      [
        'You are Marlowe. Stay in character. Answer in plain text, briefly, as in a chat.',
        'CONSTANT: Marlowe never serves you anything blue.\nNEGRONI: gin, bitter orange, sea salt; 12.',
        'Marlowe pours for you at The Tipsy Fox.',
        'TOUR PRICE: 15 per adult.',
        'Examples of how you talk:\nyou: Hi!\nMarlowe: Evening!',
      ].join('\n\n'),
    );
    for (const absent of ['SELECTIVE', 'DISABLED', 'LOW PRIORITY', 'MOJITO']) assert.ok(!system!.includes(absent), absent);
  });

  it('scans only the latest scan_depth messages: an entry triggered earlier drops out of later prompts', async () => {
    const [first, second, third] = await systemPrompts(['A Negroni, please.', 'Thanks.', 'Lovely evening.']);
    assert.match(first!, /NEGRONI: gin/);
    // The second prompt scans the reply before it and "Thanks.": the question is out of reach.
    assert.doesNotMatch(second!, /NEGRONI/);
    assert.doesNotMatch(third!, /NEGRONI/);
    for (const prompt of [first, second, third]) assert.match(prompt!, /CONSTANT: Marlowe never serves you anything blue\./);
  });
});
