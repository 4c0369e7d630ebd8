/**
 * Every renderer↔main call, named `domain.verb`. The preload and the HTTP transport are
 * generated from this list; `contract.ts` gives each its input and output schema.
 * Kept free of zod so the preload bundle stays tiny.
 */
export const CHANNELS = [
  'app.status',
  'app.about',
  'app.openLogsFolder',
  'app.checkForUpdates',
  'catalog.listSchemas',
  'dataApi.request',
  'dataApi.describe',
  'dataApi.identities',
  'dataApi.transaction',
  'admin.roles',
  'admin.planRoleChange',
  'admin.applyRoleChange',
  'admin.grants',
  'admin.planGrantChanges',
  'admin.applyGrantChanges',
  'admin.tablePolicies',
  'admin.planPolicyChange',
  'admin.applyPolicyChange',
  'admin.previewPolicy',
  'admin.setupChecks',
  'admin.setupFix',
  'sql.run',
  'sql.cancel',
  'signIn.pending',
  'signIn.decide',
  'sample.reset',
  'workspaces.list',
  'workspaces.add',
  'workspaces.remove',
  'workspaces.signInAgain',
  'workspaces.replaceToken',
  'cloud.projects',
  'cloud.branches',
  'cloud.endpoints',
  'cloud.createBranch',
  'cloud.updateBranch',
  'cloud.deleteBranch',
  'cloud.operations',
  'cloud.stopOperation',
  'cloud.createProject',
  'cloud.setDefaultBranch',
  'cloud.createEndpoint',
  'cloud.updateEndpoint',
  'cloud.deleteEndpoint',
  'cloud.databases',
  'cloud.roles',
  'cloud.dataApi',
  'cloud.enableDataApi',
  'cloud.updateDataApi',
  'cloud.disableDataApi',
  'cloud.deleteProject',
  'cloud.undeleteProject',
  'cloud.undeleteBranch',
  'cloud.sendToHostedDataApi',
  'cloud.createRole',
  'cloud.deleteRole',
] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name);
}
