import { LOCAL_WORKSPACE_ID, branchName, databaseName, type Location } from '../../shared/contract/location';
import type { BranchData } from '../branchData/BranchData';
import { PierError } from '../errors/PierError';
import { isDatabaseUnavailable } from './databaseUnavailable';
import type { ServiceRequest, ServiceResponse } from './mountHandler';

export const DATA_API_PREFIX = '/api/2.0/workspace/:workspaceId/rest/:database';
export const BRANCH_DATA_API_PREFIX = '/projects/:project/branches/:branch/api/2.0/workspace/:workspaceId/rest/:database';

/**
 * Serves the Data API of every database on local branches over HTTP: `DATA_API_PREFIX` for the
 * home (default) branch, `BRANCH_DATA_API_PREFIX` for any local branch (on Lakebase each endpoint
 * has its own host; here the branch comes first in the path). Engines come from BranchData.
 */
export function dataApiRoute(data: BranchData, homeBranch: string, log: (line: string) => void = () => undefined) {
  return async (req: ServiceRequest, params: Record<string, string>): Promise<ServiceResponse> => {
    const at = locationOf(params, homeBranch);
    if (!at.ok) return notFound(at.error.message, at.error.hint);
    try {
      return await data.withEngine(at.value, 'authenticator', (e) =>
        e.engine.handle({ method: req.method, path: req.path, rawQuery: req.rawQuery, headers: req.headers, body: req.body }),
      );
    } catch (err) {
      if (err instanceof PierError && err.status === 404) return notFound(err.message, err.hint ?? 'Check the URL.');
      if (err instanceof PierError && err.status === 503) return unavailableResponse(err.message);
      // Opening the engine failed before any request ran (Postgres away, or restarting): come back shortly.
      log(`Data API: ${at.value.database} on ${at.value.branch} could not be opened (${(err as Error).message})`);
      return unavailableResponse(
        isDatabaseUnavailable(err)
          ? 'PostgreSQL is not reachable right now.'
          : `The database could not be opened: ${(err as Error).message}`,
      );
    }
  };
}

type Parsed = { ok: true; value: Location } | { ok: false; error: { message: string; hint: string } };

/** The URL's workspace, branch and database as a location; refused when they cannot name one. */
function locationOf(params: Record<string, string>, homeBranch: string): Parsed {
  const { workspaceId = '', database = '', project, branch } = params;
  if (workspaceId !== LOCAL_WORKSPACE_ID) {
    return {
      ok: false,
      error: { message: `Workspace "${workspaceId}" is not served here.`, hint: `This Pier serves workspace "${LOCAL_WORKSPACE_ID}".` },
    };
  }
  const name = project !== undefined && branch !== undefined ? `projects/${project}/branches/${branch}` : homeBranch;
  if (!branchName.safeParse(name).success) {
    return { ok: false, error: { message: `There is no branch ${name}.`, hint: 'Check the project and branch in the URL.' } };
  }
  if (!databaseName.safeParse(database).success || database.includes('\0')) {
    return { ok: false, error: { message: `Database "${database}" does not exist.`, hint: 'Check the database name in the URL.' } };
  }
  return { ok: true, value: { kind: 'local', branch: name, database } };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function notFound(message: string, hint: string): ServiceResponse {
  return { status: 404, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ code: 'PGRST125', details: null, hint, message }) };
}

function unavailableResponse(message: string): ServiceResponse {
  return {
    status: 503,
    headers: { 'content-type': JSON_TYPE, 'retry-after': '1' },
    body: JSON.stringify({ code: 'PGRST000', details: null, hint: 'Try again in a moment.', message }),
  };
}
