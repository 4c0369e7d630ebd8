import { afterEach, describe, expect, it } from 'vitest';
import { staticTokenProvider } from '../auth/authProvider';
import { ManagementClient } from '../managementClient';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { startScriptedServer, type ScriptedServer } from './scriptedServer';

let server: ScriptedServer | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
});

describe('client through the fault proxy', () => {
  it('every create, update and delete succeeds exactly once despite lost responses, 429s and 503s', async () => {
    // A tiny project store behind the proxy: enough to tell duplicates and lost work apart.
    const store = new Map<string, { display_name: string }>();
    const creates = new Map<string, number>();
    server = await startScriptedServer((req) => {
      const url = new URL(req.url, 'http://x');
      const id = url.searchParams.get('project_id') ?? url.pathname.split('/').at(-1) ?? '';
      const done = (response: unknown) => ({ status: 200, body: { name: `projects/${id}/operations/1`, done: true, response } });
      if (req.method === 'POST') {
        if (store.has(id)) return { status: 409, body: { error_code: 'ALREADY_EXISTS', message: 'Project already exists' } };
        store.set(id, JSON.parse(req.body).spec);
        creates.set(id, (creates.get(id) ?? 0) + 1);
        return done({ name: `projects/${id}`, status: store.get(id) });
      }
      const p = store.get(id);
      if (!p) return { status: 404, body: { error_code: 'NOT_FOUND', message: 'Project not found' } };
      if (req.method === 'PATCH') {
        Object.assign(p, JSON.parse(req.body).spec);
        return done({ name: `projects/${id}`, status: p });
      }
      if (req.method === 'DELETE') {
        store.delete(id);
        return done({ '@type': 'type.googleapis.com/google.protobuf.Empty' });
      }
      return { status: 200, body: { name: `projects/${id}`, status: p } };
    });
    proxy = await startFaultProxy({ target: server.url, seed: 7, dropRate: 0.1, throttleRate: 0.05, unavailableRate: 0.05 });
    const client = new ManagementClient({
      baseUrl: proxy.url,
      auth: staticTokenProvider('t'),
      retry: { stepMs: 5, jitterMinMs: 0, jitterMaxMs: 5, totalBudgetMs: 10_000 },
    });

    const ids = Array.from({ length: 30 }, (_, i) => `p${i}`);
    for (const id of ids) {
      const c = await client.createProject(id, { spec: { display_name: `Project ${id}` } });
      expect(c.ok, c.ok ? '' : c.error.message).toBe(true);
      const u = await client.updateProject(`projects/${id}`, { display_name: `Renamed ${id}` });
      expect(u.ok, u.ok ? '' : u.error.message).toBe(true);
    }
    for (const id of ids.slice(0, 10)) expect((await client.deleteProject(`projects/${id}`)).ok).toBe(true);

    expect([...store.keys()].sort()).toEqual(ids.slice(10).sort());
    expect([...store.values()].every((p) => p.display_name.startsWith('Renamed'))).toBe(true);
    expect([...creates.values()].every((n) => n === 1)).toBe(true);
    // The run did exercise every kind of fault.
    expect(proxy.stats.dropped).toBeGreaterThan(0);
    expect(proxy.stats.throttled).toBeGreaterThan(0);
    expect(proxy.stats.unavailable).toBeGreaterThan(0);
  }, 60_000); // retries and their waits take seconds, more on a loaded machine
});
