import path from 'node:path';
import { appendFile, writeFile } from 'node:fs/promises';
import {
  endpointName,
  validateId,
  type Endpoint,
  type EndpointSpec,
  type ListEndpointsResponse,
  type Operation,
} from '../../../shared/management';
import { chownTree } from '../postgres/runAs';
import { copyClusterOnline } from '../runtime/copyClusterOnline';
import { alreadyExists, ApiFailure, invalidParameter, managedByParent, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import { applicablePgSettings, endpointUid, suspendAfterMs, type ControlPlaneCore } from './controlPlaneCore';
import type { EndpointRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { endpointView } from './resourceViews';
import { checkEndpointSpec, endpointDefaults, maskedUpdate, normalizeEndpointType, objectField } from './specRules';
import { pageOf, timestamp, queryBoolean } from './wireValues';

export async function createEndpoint(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const project = core.project(projectId);
  const b = core.branch(projectId, branchId);
  const endpointId = call.query.get('endpoint_id') ?? '';
  const idCheck = validateId('endpoint_id', endpointId);
  if (!idCheck.ok) throw invalidParameter(idCheck.message);
  const name = endpointName(projectId, branchId, endpointId);
  const given = (objectField(call.body, 'spec') ?? {}) as EndpointSpec;
  const existing = core.data.endpoints[name];
  if (existing) {
    if (!queryBoolean(call.query, 'replace_existing') || existing.lifecycle !== 'ready') throw alreadyExists('Endpoint', name);
    const spec = endpointDefaults(
      { ...given, endpoint_type: given.endpoint_type ?? existing.spec.endpoint_type },
      project.spec.default_endpoint_settings,
    );
    if (normalizeEndpointType(spec.endpoint_type) !== existing.spec.endpoint_type)
      throw invalidParameter(`Field 'spec.endpoint_type' is immutable and cannot be updated.`);
    checkEndpointSpec(spec);
    return applyEndpointSpec(core, existing, spec);
  }
  const spec = endpointDefaults(given, project.spec.default_endpoint_settings);
  checkEndpointSpec(spec);
  const readOnly = spec.endpoint_type === 'ENDPOINT_TYPE_READ_ONLY';
  if (!readOnly && core.endpointsOf(b).some((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE')) {
    throw invalidParameter(
      `Branch ${branchId} already has a read-write endpoint; a branch has at most one. Create a read-only endpoint instead.`,
    );
  }
  const now = timestamp();
  const uid = endpointUid();
  const ep: EndpointRecord = {
    project_id: projectId,
    branch_id: branchId,
    endpoint_id: endpointId,
    uid,
    create_time: now,
    update_time: now,
    spec,
    port: 0,
    cluster_dir: path.join('clusters', uid),
    lifecycle: 'creating',
  };
  core.data.endpoints[name] = ep;
  return core.ops.start(
    name,
    'EndpointOperationMetadata',
    projectId,
    async () => {
      // A read-only endpoint is a hot standby: an online copy of the branch that streams from
      // the read-write endpoint's stable proxy port (which keeps the primary awake meanwhile).
      const primary = core.primaryRuntime(b);
      await primary.ensureRunning();
      const target = core.clusterAt(ep.cluster_dir ?? '', core.majorOf(projectId));
      await copyClusterOnline({
        sourceUrl: primary.cluster.connectionString('postgres'),
        sourceDataDir: primary.cluster.dataDir,
        targetDataDir: target.dataDir,
        runAs: core.runAs,
        label: `pier standby ${name}`,
      });
      await writeFile(path.join(target.dataDir, 'standby.signal'), '');
      const conninfo = `host=127.0.0.1 port=${primary.port} user=postgres password=${core.superuserPassword} application_name=${endpointId}`;
      const autoConf = path.join(target.dataDir, 'postgresql.auto.conf');
      await appendFile(autoConf, `\nprimary_conninfo = '${conninfo}'\nhot_standby = on\n`);
      await chownTree(target.dataDir, core.runAs);
      const runtime = await core.openRuntime(ep);
      await runtime.ensureRunning();
      ep.lifecycle = 'ready';
      return endpointView(core, ep);
    },
    async () => {
      await core.closeRuntime(ep);
      await core.removeClusterDir(ep.cluster_dir);
      delete core.data.endpoints[name];
    },
  );
}

async function applyEndpointSpec(core: ControlPlaneCore, ep: EndpointRecord, spec: EndpointSpec): Promise<Operation> {
  const name = endpointName(ep.project_id, ep.branch_id, ep.endpoint_id);
  return core.ops.start(name, 'EndpointOperationMetadata', ep.project_id, async () => {
    const tuningBefore = JSON.stringify(applicablePgSettings(ep.spec.settings?.pg_settings));
    ep.spec = spec;
    ep.update_time = timestamp();
    const runtime = core.runtimes.get(name);
    if (runtime) {
      const adopted = runtime.cluster === core.options.embedded?.cluster;
      runtime.configure({ suspendAfterMs: adopted ? null : suspendAfterMs(ep), disabled: spec.disabled ?? false });
      // New pg_settings take effect on a restart, as a compute restarts on Lakebase.
      const retune = JSON.stringify(applicablePgSettings(spec.settings?.pg_settings)) !== tuningBefore;
      if (!adopted && (spec.disabled || retune)) await runtime.suspend();
      if (!adopted && retune && !spec.disabled) await runtime.ensureRunning();
    }
    return endpointView(core, ep);
  });
}

/**
 * Wakes an endpoint for a console that opens something on it, as a Lakebase compute wakes when
 * used: a suspended (`disabled`) one is enabled again through the same operation a PATCH runs, an
 * idle one is started. Resolves once Postgres accepts connections; true if it was asleep.
 */
export async function wakeEndpoint(core: ControlPlaneCore, ep: EndpointRecord): Promise<boolean> {
  const name = endpointName(ep.project_id, ep.branch_id, ep.endpoint_id);
  const runtime = core.runtimes.get(name);
  if (!runtime) throw new ApiFailure('INVALID_STATE', `Endpoint ${ep.endpoint_id} of branch ${ep.branch_id} is not running.`);
  const wasAsleep = ep.spec.disabled === true || runtime.state === 'IDLE';
  if (ep.spec.disabled) {
    const op = await applyEndpointSpec(core, ep, { ...ep.spec, disabled: false });
    for (let done = core.ops.get(op.name ?? ''); !done?.done; done = core.ops.get(op.name ?? '')) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const error = core.ops.get(op.name ?? '')?.error;
    if (error) throw new ApiFailure('INTERNAL_ERROR', error.message ?? 'Resuming the endpoint failed.');
  }
  await runtime.ensureRunning();
  return wasAsleep;
}

export function listEndpoints(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): ListEndpointsResponse {
  const b = core.branch(projectId, branchId);
  const { page, next } = pageOf(
    core.endpointsOf(b).filter((e) => e.lifecycle !== 'purging'),
    call.query,
    1000,
  );
  return { endpoints: page.map((e) => endpointView(core, e)), ...(next ? { next_page_token: next } : {}) };
}

export async function getEndpoint(core: ControlPlaneCore, projectId: string, branchId: string, endpointId: string): Promise<Endpoint> {
  return endpointView(core, core.endpoint(projectId, branchId, endpointId));
}

export async function updateEndpoint(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  endpointId: string,
): Promise<Operation> {
  const ep = core.endpoint(projectId, branchId, endpointId);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = maskedUpdate('endpoint', ep.spec, call.body, call.query);
  spec.endpoint_type = normalizeEndpointType(spec.endpoint_type);
  if (spec.endpoint_type !== ep.spec.endpoint_type)
    throw invalidParameter(`Field 'spec.endpoint_type' is immutable and cannot be updated.`);
  if (spec.no_suspension === false) delete spec.no_suspension;
  checkEndpointSpec(spec);
  if (spec.disabled && !ep.spec.disabled && core.isFoundation(core.branch(projectId, branchId))) {
    // The server itself runs on this compute; saying "suspended" while it keeps serving would be a lie.
    throw new ApiFailure(
      'BAD_REQUEST',
      `Endpoint ${endpointId} of branch ${branchId} runs Pier's embedded database, which this server uses; it cannot be suspended while Pier runs.`,
    );
  }
  return applyEndpointSpec(core, ep, spec);
}

export async function deleteEndpoint(core: ControlPlaneCore, projectId: string, branchId: string, endpointId: string): Promise<Operation> {
  const ep = core.endpoint(projectId, branchId, endpointId);
  const b = core.branch(projectId, branchId);
  if (ep.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE') {
    throw managedByParent(
      `Endpoint ${endpointId} is the read-write endpoint of branch ${branchId}; read-write endpoints cannot be deleted independently. Delete the branch instead.`,
    );
  }
  if (b.spec.is_protected) throw new ApiFailure('BAD_REQUEST', `Branch ${branchId} is protected; its endpoints cannot be deleted.`);
  ep.lifecycle = 'purging';
  const name = endpointName(projectId, branchId, endpointId);
  return core.ops.start(name, 'EndpointOperationMetadata', projectId, async () => {
    await core.closeRuntime(ep);
    await core.removeClusterDir(ep.cluster_dir);
    delete core.data.endpoints[name];
    return EMPTY_RESPONSE;
  });
}
