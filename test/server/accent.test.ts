/**
 * The accent rule has one home (protocol/character.ts): the character schema,
 * the card reader and the widget's panel all take exactly the same colours.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { characterFromCard, type CharacterCardV2 } from '../../server/characters/cards.js';
import { Accent } from '../../server/characters/inputs.js';
import { isAccent } from '../../server/protocol/character.js';

const TAKEN = ['#abc', '#ABC', '#c2410c', '#C2410C', '#09aFbE'];
const REFUSED = ['#abcd', '#abcde', '#abcdef0', '#ab', '#', 'abc', 'c2410c', '#ggg', 'red', 'rgb(1, 2, 3)', ' #abc', '#abc ', '#abc\n', '#abc;color:red', '', 42, null];

const cardWithAccent = (accent: unknown): CharacterCardV2 => ({
  spec: 'chara_card_v2',
  data: { name: 'Painter', extensions: { tipsy: { accent } } },
});

describe('the accent rule', () => {
  for (const [values, taken] of [[TAKEN, true], [REFUSED, false]] as const) {
    for (const value of values) {
      it(`${taken ? 'takes' : 'refuses'} ${JSON.stringify(value)} everywhere`, () => {
        assert.equal(isAccent(value), taken, 'the contract (and the widget, which asks it)');
        assert.equal(Accent.safeParse(value).success, taken, 'the character schema');
        assert.equal(characterFromCard(cardWithAccent(value)).accent, taken ? value : undefined, 'the card reader');
      });
    }
  }
});
