import { describe, expect, it } from 'vitest';
import { ConfigSyntaxError, parseConfigFile } from './parseConfigFile';

const parse = (text: string, env: Record<string, string> = {}, files: Record<string, string> = {}) =>
  Object.fromEntries(
    parseConfigFile(text, {
      file: 'postgrest.conf',
      env,
      readImport: (p) => {
        const text = files[p];
        if (text === undefined) throw new Error(`no file ${p}`);
        return { text, file: p };
      },
    }).values,
  );

describe('parseConfigFile (PostgREST configuration files)', () => {
  it('reads the example of PostgREST documentation', () => {
    expect(
      parse(`# postgrest.conf
db-uri       = "postgres://user:pass@host:5432/dbname"
db-anon-role = "anon"
jwt-secret           = "reallyreallyreallyreallyverysafe"
jwt-secret-is-base64 = false
server-port = 3000
`),
    ).toEqual({
      'db-uri': 'postgres://user:pass@host:5432/dbname',
      'db-anon-role': 'anon',
      'jwt-secret': 'reallyreallyreallyreallyverysafe',
      'jwt-secret-is-base64': false,
      'server-port': 3000,
    });
  });

  it.each([
    ['a = on', true],
    ['a = off', false],
    ['a = true # comment', true],
    ['a = -12', -12],
    ['a = 1.5e3', 1500],
    ['a = "say \\"hi\\"\\n\\u0041"', 'say "hi"\nA'],
    ['a = "cost: $$5"', 'cost: $5'],
    ['a = [1, "two", [true]]', [1, 'two', [true]]],
    ['a = []', []],
  ])('value %s', (text, value) => {
    expect(parse(text)).toEqual({ a: value });
  });

  it('takes dotted names, groups and the last of a repeated name', () => {
    expect(
      parse(`app.settings.jwt_exp = 3600
app { settings { other = "x" } }
db-pool = 1
db-pool = 2`),
    ).toEqual({ 'app.settings.jwt_exp': 3600, 'app.settings.other': 'x', 'db-pool': 2 });
  });

  it('interpolates earlier names and environment variables', () => {
    expect(parse('host = "db"\ndb-uri = "postgres://$(USER)@$(host)/x"', { USER: 'authenticator' })).toEqual({
      host: 'db',
      'db-uri': 'postgres://authenticator@db/x',
    });
  });

  it('imports files', () => {
    expect(parse('import "secrets.conf"\ndb-pool = 3', {}, { 'secrets.conf': 'jwt-secret = "s"' })).toEqual({
      'jwt-secret': 's',
      'db-pool': 3,
    });
  });

  it.each([
    ['db-uri = "open', /postgrest.conf:1: a string is not closed/],
    ["db-uri = 'single'", /strings are written in double quotes/],
    ['db-pool 3', /expected "=" or "{" after "db-pool"/],
    ['\n\na = "$(NOPE)"', /postgrest.conf:3: "\$\(NOPE\)" names neither a setting above it nor an environment variable/],
    ['a = "\\q"', /unknown escape/],
    ['g { a = 1', /a group is not closed/],
    ['a = yes', /expected a value/],
  ])('refuses %j with an error naming the line', (text, message) => {
    expect(() => parse(text)).toThrow(ConfigSyntaxError);
    expect(() => parse(text)).toThrow(message);
  });
});
