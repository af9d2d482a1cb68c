/** Which errors the widget retries: one list for the outbox, the session's start and the socket. */
import { expect } from '@open-wc/testing';
import { ERROR_CODES } from '../server/protocol/errors.js';
import { isTransient } from './error-kinds.js';

describe('isTransient', () => {
  it('retries only what may succeed later: rate limits, an unreachable or failing server', () => {
    expect(ERROR_CODES.filter(isTransient)).to.deep.equal(['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);
  });
});
