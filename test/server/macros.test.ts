/** Card macros (server/characters/macros.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveMacros } from '../../server/characters/macros.js';

/** A random() that returns the given values in turn. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('macros', () => {
  it('names the character and the user, "you" when there is no user name, any case and spacing', () => {
    assert.equal(resolveMacros('{{char}} greets {{user}}.', { char: 'Marlowe', user: 'Ada' }), 'Marlowe greets Ada.');
    assert.equal(resolveMacros('{{Char}} greets {{ USER }}.', { char: 'Marlowe' }), 'Marlowe greets you.');
    assert.equal(resolveMacros('{{user}}', { char: 'M', user: '   ' }), 'you');
    assert.equal(resolveMacros('{{user}}', { char: 'M', user: null }), 'you');
  });

  it('picks {{random:a,b}} and {{random::a::b}} with the given random()', () => {
    assert.equal(resolveMacros('{{random: gin, rum ,vodka}}', { char: 'M', random: sequence(0.5) }), 'rum');
    assert.equal(resolveMacros('{{random::a, b::c}}', { char: 'M', random: sequence(0) }), 'a, b');
    assert.equal(resolveMacros('{{random::a, b::c}}', { char: 'M', random: sequence(0.99) }), 'c');
    assert.equal(resolveMacros('{{random}}', { char: 'M' }), '{{random}}', 'nothing to pick from: left as written');
  });

  it('rolls N, dN, MdN and MdN±K', () => {
    const top = { char: 'M', random: sequence(0.999) };
    assert.equal(resolveMacros('{{roll:6}} {{roll:d20}} {{roll:2d6}} {{roll:3d4+2}} {{roll:1d10 - 3}}', top), '6 20 12 14 7');
    assert.equal(resolveMacros('{{roll:2d6}}', { char: 'M', random: sequence(0) }), '2');
  });

  it('leaves unknown and malformed macros as written', () => {
    for (const text of ['{{roll:0}}', '{{roll:101d6}}', '{{roll:dice}}', '{{char:x}}', '{{user:x}}', '{{persona}}', '{{char']) {
      assert.equal(resolveMacros(text, { char: 'M' }), text);
    }
  });

  it('resolves in one pass: a name holding a macro stays as it is', () => {
    assert.equal(resolveMacros('{{user}} and {{char}}', { char: '{{user}}', user: '{{char}}' }), '{{char}} and {{user}}');
  });
});
