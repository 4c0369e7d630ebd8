/** Leaves the workspace list as every spec expects it: the local workspace only (RPC over HTTP with the session key). */
export async function removeAddedWorkspaces(ui: string): Promise<void> {
  const { origin, hash } = new URL(ui);
  const call = async (channel: string, input: unknown) =>
    (await (
      await fetch(`${origin}/rpc/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pier-session': hash.replace('#session=', '') },
        body: JSON.stringify(input),
      })
    ).json()) as { ok: boolean; value?: { workspaces?: { id: string; kind: string }[] } };
  const list = await call('workspaces.list', {});
  for (const ws of list.value?.workspaces ?? []) {
    if (ws.kind !== 'local') await call('workspaces.remove', { id: ws.id });
  }
}
