import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './databaseUnavailable';

const serverError = (code: string) => Object.assign(new Error(`server says ${code}`), { severity: 'FATAL', code });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['refused connection', socketError('ECONNREFUSED'), true],
    ['reset connection', socketError('ECONNRESET'), true],
    ['node-postgres lost the connection', new Error('Connection terminated unexpectedly'), true],
    ['connect timeout', new Error('timeout exceeded when trying to connect'), true],
    ['server shutting down', serverError('57P01'), true],
    ['server starting up', serverError('57P03'), true],
    ['too many connections', serverError('53300'), true],
    ['connection failure', serverError('08006'), true],
    ['a bad query is not unavailability', serverError('42P01'), false],
    ['an encoding error is not unavailability', serverError('22021'), false],
    ['a bug is not unavailability', new TypeError('x is not a function'), false],
    ['not an error at all', 'ECONNREFUSED', false],
  ])('%s', (_what, err, want) => {
    expect(isDatabaseUnavailable(err)).toBe(want);
  });
});
