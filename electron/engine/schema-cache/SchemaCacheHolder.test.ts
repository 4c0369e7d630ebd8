import { describe, expect, it } from 'vitest';
import type { SchemaCache } from './SchemaCache';
import { SchemaCacheHolder } from './SchemaCacheHolder';

const cache = (tag: string) =>
  ({
    loadedAt: new Date(),
    routines: [],
    timezones: new Set<string>(),
    foreignKeys: [],
    relations: new Map(),
    relationships: new Map(),
    config: { dbSchemas: [tag], aggregatesEnabled: false, planEnabled: false },
  }) as SchemaCache;

/** A load the test finishes by hand. */
function controlledLoads() {
  const pending: { resolve: (c: SchemaCache) => void; reject: (e: unknown) => void }[] = [];
  const load = () => new Promise<SchemaCache>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}

describe('SchemaCacheHolder', () => {
  it('makes requests wait for a reload instead of answering from the old cache', async () => {
    const { load, pending } = controlledLoads();
    const holder = new SchemaCacheHolder(load, 1000);
    void holder.reload();
    pending[0]!.resolve(cache('v1'));
    expect(await holder.get()).toMatchObject({ ok: true, value: { config: { dbSchemas: ['v1'] } } });
    void holder.reload();
    const waiting = holder.get();
    pending[1]!.resolve(cache('v2'));
    expect(await waiting).toMatchObject({ ok: true, value: { config: { dbSchemas: ['v2'] } } });
  });
  it('loads again when a reload is asked for during a load', async () => {
    const { load, pending } = controlledLoads();
    const holder = new SchemaCacheHolder(load, 1000);
    void holder.reload();
    void holder.reload();
    pending[0]!.resolve(cache('stale'));
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(pending).toHaveLength(2);
    const waiting = holder.get();
    pending[1]!.resolve(cache('fresh'));
    expect(await waiting).toMatchObject({ ok: true, value: { config: { dbSchemas: ['fresh'] } } });
  });
  it('answers 503 PGRST002 when loading takes too long or fails', async () => {
    const { load, pending } = controlledLoads();
    const holder = new SchemaCacheHolder(load, 20);
    void holder.reload();
    expect(await holder.get()).toMatchObject({ ok: false, error: { code: 'PGRST002' } });
    pending[0]!.reject(new Error('connection refused'));
    await new Promise((r) => setTimeout(r, 0));
    const failed = holder.get();
    pending[1]!.reject(new Error('connection refused'));
    expect(await failed).toMatchObject({ ok: false, error: { code: 'PGRST002', details: null } });
    expect(holder.error).toEqual(new Error('connection refused'));
  });
});
