/** The one backoff rule both retries use: the outbox's sends and the session's start. */
import { expect } from '@open-wc/testing';
import { backoff } from './backoff.js';

describe('backoff', () => {
  const random = Math.random;
  afterEach(() => (Math.random = random));

  it('doubles from the base up to the cap, exactly, without jitter', () => {
    const waits = Array.from({ length: 7 }, (_, attempt) => backoff(attempt, 1_000, 30_000));
    expect(waits).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('spreads each wait by ±jitter around its step, capped before the spread', () => {
    Math.random = () => 0;
    expect(backoff(0, 500, 15_000, 0.25)).to.equal(375);
    expect(backoff(10, 500, 15_000, 0.25)).to.equal(11_250);
    Math.random = () => 0.5;
    expect(backoff(3, 500, 15_000, 0.25)).to.equal(4_000);
    Math.random = () => 0.999_999;
    expect(backoff(0, 500, 15_000, 0.25)).to.be.closeTo(625, 0.01);
    expect(backoff(10, 500, 15_000, 0.25)).to.be.closeTo(18_750, 0.1);
  });
});
