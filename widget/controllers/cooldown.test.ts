/** Cooldown on its own, with fake time: the wait the server imposes, counted down once a second. */
import { expect } from '@open-wc/testing';
import { installFakeTime, type FakeTime } from '../../test/browser/fake-time.js';
import { Cooldown } from './cooldown.js';

describe('Cooldown', () => {
  let time: FakeTime;
  let ticks: number[];
  let ends: number;
  let cooldown: Cooldown;

  beforeEach(() => {
    time = installFakeTime();
    ticks = [];
    ends = 0;
    cooldown = new Cooldown(
      () => ticks.push(cooldown.secondsLeft),
      () => ends++,
    );
  });
  afterEach(() => {
    cooldown.cancel();
    time.restore();
  });

  it('is inactive until started', () => {
    expect(cooldown.active).to.equal(false);
    expect(cooldown.secondsLeft).to.equal(0);
  });

  it('ticks at once and every second, counting whole seconds down, then ends once and goes quiet', async () => {
    cooldown.start(3_500);
    expect(cooldown.active).to.equal(true);
    expect(ticks).to.deep.equal([4]);
    await time.advance(3_000);
    expect(ticks).to.deep.equal([4, 3, 2, 1]);
    expect(ends).to.equal(0);
    await time.advance(500);
    expect(ends).to.equal(1);
    expect(cooldown.active).to.equal(false);
    expect(cooldown.secondsLeft).to.equal(0);
    await time.advance(10_000);
    expect(ticks, 'no ticks after the end').to.have.length(4);
    expect(time.pending, 'no timers left behind').to.equal(0);
  });

  it('keeps a longer wait already running, and lengthens a shorter one', async () => {
    cooldown.start(5_000);
    cooldown.start(1_000);
    await time.advance(4_999);
    expect(cooldown.active, 'the shorter start did not cut it').to.equal(true);
    cooldown.start(3_000);
    await time.advance(2_999);
    expect(ends).to.equal(0);
    await time.advance(1);
    expect(ends).to.equal(1);
  });

  it('cancel() stops it without ending: no tick, no end', async () => {
    cooldown.start(2_000);
    cooldown.cancel();
    expect(cooldown.active).to.equal(false);
    await time.advance(5_000);
    expect(ticks).to.deep.equal([2]);
    expect(ends).to.equal(0);
  });
});
