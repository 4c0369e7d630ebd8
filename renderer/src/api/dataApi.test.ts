import { describe, expect, it } from 'vitest';
import { DataApiError } from './DataApiError';
import { checkResponse, totalFromContentRange } from './dataApi';
import { describeError } from './RpcCallError';

describe('totalFromContentRange', () => {
  it.each([
    ['0-199/1000000', 1_000_000],
    ['*/0', 0],
    ['0-2/*', null],
    [undefined, null],
  ])('%s → %s', (header, total) => expect(totalFromContentRange(header)).toBe(total));
});

describe('checkResponse', () => {
  it('passes successes through', () => {
    const res = { status: 206, headers: {}, body: '[]' };
    expect(checkResponse(res)).toBe(res);
  });

  it("throws the engine's error body, readable for people", () => {
    const body = JSON.stringify({
      code: '42703',
      message: 'column clients.nope does not exist',
      details: null,
      hint: 'Perhaps you meant "name".',
    });
    let thrown: unknown;
    try {
      checkResponse({ status: 400, headers: {}, body });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DataApiError);
    expect(describeError(thrown)).toEqual({
      code: '42703',
      message: 'column clients.nope does not exist',
      hint: 'Perhaps you meant "name".',
    });
  });

  it('a body that is not JSON still becomes a message', () => {
    expect(() => checkResponse({ status: 502, headers: {}, body: 'Bad gateway' })).toThrow('Bad gateway');
  });
});
