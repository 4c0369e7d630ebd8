import { describe, expect, it } from 'vitest';
import { formatSql } from './formatSql';

describe('formatSql', () => {
  it('lays out PostgreSQL, leaving strings and dollar-quoted bodies as they are', async () => {
    expect(await formatSql("select id,name from clients where name = E'it\\'s' and id::text ~ '1'")).toBe(
      "SELECT\n  id,\n  name\nFROM\n  clients\nWHERE\n  name = E'it\\'s'\n  AND id::text ~ '1'",
    );
    const fn = 'create function f() returns int as $fn$ select  1 ; $fn$ language sql;\nselect f()';
    const out = await formatSql(fn);
    expect(out).toContain('$fn$ select  1 ; $fn$');
    expect(out).toContain('SELECT\n  f ()');
  });
});
