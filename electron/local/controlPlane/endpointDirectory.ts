import { branchName, endpointName, projectName } from '../../../shared/management';
import type { IEndpointDirectory, ProxyEndpoint } from '../proxy/postgresProxy';
import { EndpointDisabledError } from '../runtime/endpointRuntime';
import type { ControlPlaneCore } from './controlPlaneCore';
import type { EndpointRecord } from './controlPlaneState';

/** The control plane's endpoints as the Postgres proxy routes to them: ready ones of live branches and projects. */
export function endpointDirectory(core: ControlPlaneCore): IEndpointDirectory {
  const proxyEndpoint = (e: EndpointRecord): ProxyEndpoint | undefined => {
    const p = core.data.projects[projectName(e.project_id)];
    const b = core.data.branches[branchName(e.project_id, e.branch_id)];
    if (e.lifecycle !== 'ready' || p?.lifecycle !== 'ready' || b?.lifecycle !== 'ready' || p.delete_time || b.delete_time) return undefined;
    return {
      name: endpointName(e.project_id, e.branch_id, e.endpoint_id),
      uid: e.uid,
      projectUid: p.uid,
      nativeLogin: p.spec.enable_pg_native_login ?? false,
    };
  };
  return {
    findByUid(uid) {
      const e = Object.values(core.data.endpoints).find((x) => x.uid === uid);
      return e && proxyEndpoint(e);
    },
    findByName(name) {
      const e = Object.hasOwn(core.data.endpoints, name) ? core.data.endpoints[name] : undefined;
      return e && proxyEndpoint(e);
    },
    async open(endpoint, onCut) {
      const runtime = core.runtimes.get(endpoint.name);
      if (!runtime) return { ok: false, code: '08004', message: `Endpoint ${endpoint.uid} does not exist.` };
      try {
        return { ok: true, lease: await runtime.lease(onCut) };
      } catch (err) {
        if (err instanceof EndpointDisabledError) {
          return {
            ok: false,
            code: '08004',
            message: `Endpoint ${endpoint.uid} is disabled and accepts no connections.`,
            hint: `Enable it: PATCH /api/2.0/postgres/${endpoint.name}?update_mask=spec.disabled with {"spec": {"disabled": false}}.`,
          };
        }
        core.log(`Endpoint ${endpoint.name} could not start for a connection: ${(err as Error).message}`);
        return { ok: false, code: '57P03', message: `Endpoint ${endpoint.uid} could not start: ${(err as Error).message.split('\n')[0]}` };
      }
    },
    async passwordVerifier(endpoint, role) {
      const runtime = core.runtimes.get(endpoint.name);
      if (!runtime) return undefined;
      return runtime.withClient('postgres', async (c) => {
        const r = await c.query<{ rolpassword: string | null }>(
          `SELECT rolpassword FROM pg_authid WHERE rolname = $1 AND rolcanlogin AND (rolvaliduntil IS NULL OR rolvaliduntil > now())`,
          [role],
        );
        return r.rows[0]?.rolpassword ?? undefined;
      });
    },
  };
}
