import { describe, expect, it } from 'vitest';
import { parseApiError, parseDurationSeconds } from './parseApiError';

describe('parseApiError', () => {
  it.each<
    [
      string,
      number,
      string,
      string | null,
      { errorCode: string; message: string; html?: boolean; retryDelaySeconds?: number; reason?: string; declarativeContext?: string },
    ]
  >([
    [
      'current body',
      404,
      '{"error_code":"NOT_FOUND","message":"Project not found"}',
      'application/json',
      { errorCode: 'NOT_FOUND', message: 'Project not found' },
    ],
    ['numeric error_code', 400, '{"error_code":1001,"message":"bad"}', null, { errorCode: '1001', message: 'bad' }],
    ['missing error_code', 500, '{"message":"oops"}', null, { errorCode: 'UNKNOWN', message: 'oops' }],
    ['legacy {error}', 400, '{"error":"Bad thing"}', null, { errorCode: 'UNKNOWN', message: 'Bad thing' }],
    [
      'OAuth error',
      400,
      '{"error":"invalid_grant","error_description":"Refresh token is invalid"}',
      null,
      { errorCode: 'invalid_grant', message: 'invalid_grant' },
    ],
    ['SCIM', 403, '{"detail":"No access","scimType":"x","status":"403"}', null, { errorCode: 'SCIM_403', message: 'No access' }],
    [
      'plain text CODE: message',
      503,
      'TEMPORARILY_UNAVAILABLE: try later',
      'text/plain',
      { errorCode: 'TEMPORARILY_UNAVAILABLE', message: 'try later' },
    ],
    ['empty body', 502, '', null, { errorCode: 'UNKNOWN', message: 'HTTP 502' }],
    [
      'HTML',
      404,
      '<html><head><title>Page not found</title></head></html>',
      'text/html',
      { errorCode: 'UNKNOWN', message: 'HTML page "Page not found"', html: true },
    ],
    [
      'RetryInfo detail',
      429,
      '{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retry_delay":"2.5s"}]}',
      null,
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'slow', retryDelaySeconds: 2.5 },
    ],
    [
      'ErrorInfo detail (MANAGED_BY_PARENT)',
      400,
      '{"error_code":"BAD_REQUEST","message":"read-write endpoints cannot be deleted","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","domain":"databricks.com","reason":"RESOURCE_CONFLICT","metadata":{"declarative_context":"MANAGED_BY_PARENT"}},{"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"r1","serving_data":""}]}',
      'application/json',
      {
        errorCode: 'BAD_REQUEST',
        message: 'read-write endpoints cannot be deleted',
        reason: 'RESOURCE_CONFLICT',
        declarativeContext: 'MANAGED_BY_PARENT',
      },
    ],
  ])('%s', (_, status, body, type, expected) => {
    expect(parseApiError(status, body, type)).toMatchObject({ html: false, ...expected });
  });

  it.each([
    ['300s', 300],
    ['1.5s', 1.5],
    ['5', undefined],
    ['s', undefined],
  ])('duration %j → %j', (text, secs) => {
    expect(parseDurationSeconds(text)).toBe(secs);
  });
});
