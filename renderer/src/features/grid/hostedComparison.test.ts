import { describe, expect, it } from 'vitest';
import { compareAnswers, explainHostedFailure, hostedRefusalHint, summarizeAnswer } from './hostedComparison';

const json = 'application/json; charset=utf-8';
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': json, ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const rows = [
  { id: 1, name: 'Acme' },
  { id: 2, name: 'TechStart' },
];

describe('compareAnswers', () => {
  it.each([
    ['the same rows', answer(200, rows), answer(200, rows), 'Both answered 200 with the same 2 rows.'],
    [
      'the same rows, keys in another order and other whitespace',
      answer(200, rows),
      answer(200, '[{"name":"Acme","id":1},\n{"name":"TechStart","id":2}]'),
      'Both answered 200 with the same 2 rows.',
    ],
    [
      'the same error',
      answer(404, { code: 'PGRST205', message: 'no table' }),
      answer(404, { code: 'PGRST205', message: 'no such table' }),
      'Both answered 404 with the same error (PGRST205).',
    ],
  ])('says when both answered alike: %s', (_what, pier, hosted, message) => {
    expect(compareAnswers(pier, hosted)).toEqual({ kind: 'same', message });
  });

  it.each([
    ['another status', answer(200, rows), answer(404, { code: 'PGRST106', message: 'schema' }), ['Status: Pier 200, hosted 404.']],
    ['another row count', answer(200, rows), answer(200, rows.slice(0, 1)), ['Rows: Pier 2, hosted 1.']],
    [
      'another total',
      answer(200, rows, { 'content-range': '0-1/3' }),
      answer(200, rows, { 'content-range': '0-1/2' }),
      ['Total count: Pier 3, hosted 2.'],
    ],
    [
      'other values',
      answer(200, rows),
      answer(200, [rows[0], { id: 2, name: 'Other' }]),
      ['Same number of rows, but their values differ.'],
    ],
    [
      'another error code',
      answer(400, { code: 'PGRST100', message: 'x' }),
      answer(400, { code: '22P02', message: 'y' }),
      ['Error code: Pier PGRST100, hosted 22P02.'],
    ],
  ])('lists the differences: %s', (_what, pier, hosted, differences) => {
    expect(compareAnswers(pier, hosted)).toEqual({ kind: 'differ', differences });
  });
});

describe('summarizeAnswer', () => {
  it('counts rows, reads the total and keeps only the headers that matter', () => {
    const s = summarizeAnswer(answer(200, rows, { 'Content-Range': '0-1/7', 'server-timing': 'x', 'preference-applied': 'count=exact' }));
    expect(s).toMatchObject({ status: 200, rows: 2, total: 7, error: null });
    expect(s.headers).toEqual([
      ['content-type', json],
      ['content-range', '0-1/7'],
      ['preference-applied', 'count=exact'],
    ]);
    expect(s.pretty).toContain('\n');
  });

  it('reads an error body, or falls back to the text', () => {
    expect(summarizeAnswer(answer(403, { code: '42501', message: 'permission denied', hint: 'grant it' })).error).toEqual({
      code: '42501',
      message: 'permission denied',
      hint: 'grant it',
    });
    expect(summarizeAnswer({ status: 502, headers: {}, body: 'Bad gateway' })).toMatchObject({
      rows: null,
      error: { code: '502', message: 'Bad gateway' },
      pretty: 'Bad gateway',
    });
  });
});

describe('explaining a hosted call that could not be made', () => {
  it('says how to enable the Data API when the database has none', () => {
    const e = explainHostedFailure({ code: 'CLOUD_NOT_FOUND', message: 'data-api not found' }, 'app');
    expect(e.message).toBe('The Data API is not enabled on app, so there is no hosted Data API to ask.');
    expect(e.hint).toContain('Data API… → Enable');
  });

  it('asks to sign in again when the token is refused', () => {
    expect(explainHostedFailure({ code: 'CLOUD_SIGN_IN_REQUIRED', message: 'expired' }, 'app').hint).toContain('Sign in');
    expect(hostedRefusalHint(summarizeAnswer(answer(401, { message: 'bad token' })))).toContain('Sign in');
    expect(hostedRefusalHint(summarizeAnswer(answer(404, { code: 'PGRST106', message: 'schema' })))).toContain('exposed schemas');
    expect(hostedRefusalHint(summarizeAnswer(answer(200, rows)))).toBeNull();
  });

  it('says why the hosted API refuses an identity that Pier can still log in as', () => {
    const refused = summarizeAnswer(answer(403, { code: '42501', message: 'permission denied to set role "me@x.com"' }));
    expect(hostedRefusalHint(refused)).toContain('not granted to authenticator');
    expect(hostedRefusalHint(refused)).toContain('GRANT "me@x.com" TO authenticator');
    expect(hostedRefusalHint(summarizeAnswer(answer(403, { code: '42501', message: 'permission denied for table clients' })))).toContain(
      'Grants',
    );
  });
});
