import { afterEach, describe, expect, it } from 'vitest';
import { staticTokenProvider } from '../auth/authProvider';
import { ManagementClient } from '../managementClient';
import { startScriptedServer, type ScriptedServer } from '../testing/scriptedServer';
import { OperationTracker, type TrackedOperation } from './operationTracker';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
});

/** A server whose operations finish after `polls` GETs, with `outcome`. */
async function clientWith(polls: number, outcome: object): Promise<ManagementClient> {
  let seen = 0;
  server = await startScriptedServer((req) => {
    if (req.method !== 'GET') return { status: 200, body: { name: 'projects/p/branches/b/operations/1', done: false } };
    seen++;
    return {
      status: 200,
      body:
        seen < polls
          ? { name: 'projects/p/branches/b/operations/1', done: false }
          : { name: 'projects/p/branches/b/operations/1', done: true, ...outcome },
    };
  });
  return new ManagementClient({
    baseUrl: server.url,
    auth: staticTokenProvider('t'),
    retry: { stepMs: 5, jitterMinMs: 0, jitterMaxMs: 1 },
  });
}

const meta = { workspaceId: 'w', title: 'Delete branch b', resource: 'projects/p/branches/b' };

describe('OperationTracker', () => {
  it('follows an operation to success, reporting each change', async () => {
    const client = await clientWith(2, { response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
    const tracker = new OperationTracker();
    const seen: TrackedOperation['state'][] = [];
    tracker.onDidChange((op) => seen.push(op.state));
    const started = await client.deleteBranch('projects/p/branches/b');
    if (!started.ok) throw new Error(started.error.message);
    const { operation, result } = tracker.track(meta, started.value);
    expect(operation).toMatchObject({ ...meta, state: 'running', polls: 0 });
    expect(tracker.list().map((o) => o.id)).toEqual([operation.id]);
    expect((await result).ok).toBe(true);
    expect(tracker.get(operation.id)).toMatchObject({ state: 'succeeded', polls: 2, finishedAt: expect.any(String) });
    expect(seen.at(-1)).toBe('succeeded');
  });

  it('records the failure message of a failed operation', async () => {
    const client = await clientWith(1, { error: { error_code: 'INVALID_STATE', message: 'branch is protected' } });
    const tracker = new OperationTracker();
    const started = await client.deleteBranch('projects/p/branches/b');
    if (!started.ok) throw new Error(started.error.message);
    const { operation, result } = tracker.track(meta, started.value);
    await result;
    expect(tracker.get(operation.id)).toMatchObject({
      state: 'failed',
      error: { code: 'CLOUD_OPERATION_FAILED', message: expect.stringContaining('branch is protected') },
    });
  });

  it('stop ends the wait, not the server-side work; finished ones are pruned beyond the limit', async () => {
    const client = await clientWith(1_000_000, {});
    const tracker = new OperationTracker({ keepFinished: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await client.deleteBranch('projects/p/branches/b');
      if (!started.ok) throw new Error(started.error.message);
      const { operation, result } = tracker.track(meta, started.value);
      ids.push(operation.id);
      expect(tracker.stop(operation.id)).toBe(true);
      expect(await result).toMatchObject({ ok: false, error: { code: 'CLOUD_CANCELLED' } });
    }
    expect(tracker.list().map((o) => [o.id, o.state])).toEqual([[ids[2], 'stopped']]);
    expect(tracker.stop(ids[2]!)).toBe(false);
  });
});
