import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_POSTGRES_PORT, parseServeArgs } from './args';

describe('parseServeArgs', () => {
  it('defaults', () => {
    expect(parseServeArgs([])).toEqual({
      port: DEFAULT_PORT,
      postgresPort: DEFAULT_POSTGRES_PORT,
      dataDir: undefined,
      databaseUrl: undefined,
      readyFile: undefined,
      open: false,
    });
  });
  it.each([
    [['--port', '0'], { port: 0 }],
    [['--port=8123'], { port: 8123 }],
    [['--postgres-port', '0'], { postgresPort: 0 }],
    [['--postgres-port=6543'], { postgresPort: 6543 }],
    [['--data-dir', '/tmp/x', '--ready-file', '/tmp/r.json'], { dataDir: '/tmp/x', readyFile: '/tmp/r.json' }],
    [['--database-url', 'postgresql://u@h/db'], { databaseUrl: 'postgresql://u@h/db' }],
    [['--open'], { open: true }],
  ])('%j', (argv, expected) => {
    expect(parseServeArgs(argv)).toMatchObject(expected);
  });
  it.each([
    [['--port', 'abc'], /--port must be a number/],
    [['--port', '70000'], /--port must be a number/],
    [['--postgres-port', '-1'], /--postgres-port must be a number/],
    [['--data-dir'], /--data-dir needs a value/],
    [['--database-url', 'mysql://x'], /must start with postgresql/],
    [['--frobnicate'], /Unknown option "--frobnicate"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseServeArgs(argv)).toThrow(message);
  });
  it('help', () => expect(parseServeArgs(['--help'])).toBe('help'));
});
