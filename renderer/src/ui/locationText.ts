import { sameLocation, type Location } from '../../../shared/contract/location';
import { assertNever } from '../../../shared/contract/result';

/** Workspace id → host, for naming the workspace of a cloud location (unknown ids show the id). */
export type WorkspaceHosts = ReadonlyMap<string, string>;

/** "projects/p/branches/dev" → "dev". */
export function branchShortName(branch: string): string {
  return branch.split('/').at(-1) ?? branch;
}

/**
 * What a tab's name adds for its location: nothing at home (where the app opens); otherwise the
 * branch, the database when it is not home's, and a cloud workspace's short host — so two
 * workspaces' "clients · production" differ. `home` unknown yet: every location is named.
 */
export function locationSuffix(at: Location, home: Location | undefined, hosts: WorkspaceHosts): string {
  if (home && sameLocation(at, home)) return '';
  const database = home && at.database === home.database ? '' : ` · ${at.database}`;
  return ` · ${branchShortName(at.branch)}${database}${workspaceSuffix(at, hosts)}`;
}

/** " · adb-1234" for a cloud workspace's location; nothing for the local workspace. */
export function workspaceSuffix(at: Location, hosts: WorkspaceHosts): string {
  switch (at.kind) {
    case 'local':
      return '';
    case 'cloud': {
      const host = hosts.get(at.workspaceId);
      return ` · ${host ? shortHost(host) : at.workspaceId}`;
    }
    default:
      return assertNever(at, 'location');
  }
}

/**
 * A workspace host short enough for a tab: its first DNS label ("adb-1234.5.azuredatabricks.net"
 * → "adb-1234"); an IP address or localhost keeps its port, which is what tells two apart.
 */
export function shortHost(host: string): string {
  const bare = host.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const name = bare.replace(/:\d+$/, '');
  if (/^[\d.]+$/.test(name) || name === 'localhost' || name.startsWith('[')) return bare;
  return name.split('.')[0] ?? name;
}

/** Who "admin" is: locally the console connects as the superuser; on a cloud workspace as the signed-in identity. */
export function adminLabel(at: Location): string {
  switch (at.kind) {
    case 'local':
      return 'admin (superuser)';
    case 'cloud':
      return 'admin (your identity)';
    default:
      return assertNever(at, 'location');
  }
}
