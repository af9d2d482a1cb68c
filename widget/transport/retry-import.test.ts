/** When a chat module that failed to download is fetched again. */
import { expect } from '@open-wc/testing';
import { retryImportLater } from './retry-import.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('retryImportLater', () => {
  it('retries once, as soon as the browser is back online', async () => {
    const events = new EventTarget();
    let retries = 0;
    retryImportLater(0, () => retries++, events);
    events.dispatchEvent(new Event('online'));
    events.dispatchEvent(new Event('online'));
    expect(retries).to.equal(1);
    await wait(2100); // nor again when the timer would have run
    expect(retries).to.equal(1);
  });

  it('retries by itself after the backoff, which grows with the failures', async () => {
    const events = new EventTarget();
    const at: number[] = [];
    const start = performance.now();
    retryImportLater(0, () => at.push(performance.now() - start), events);
    retryImportLater(1, () => at.push(performance.now() - start), events);
    await wait(1900);
    expect(at, 'nothing before 2 s').to.deep.equal([]);
    await wait(300);
    expect(at).to.have.length(1);
    await wait(2000);
    expect(at).to.have.length(2);
    expect(at[1]).to.be.at.least(4000);
  });

  it('does nothing once cancelled', async () => {
    const events = new EventTarget();
    let retries = 0;
    retryImportLater(0, () => retries++, events)();
    events.dispatchEvent(new Event('online'));
    await wait(2100);
    expect(retries).to.equal(0);
  });
});
