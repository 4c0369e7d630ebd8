/**
 * Workspaces and the management API as the renderer calls them. The schemas live with the
 * management types in shared/management/workspaceSchemas.ts; this maps them to channels.
 */
import * as s from '../management/workspaceSchemas';

export const cloudContract = {
  'workspaces.list': { input: s.listWorkspacesInput, output: s.listWorkspacesOutput },
  'workspaces.add': { input: s.addWorkspaceInput, output: s.addWorkspaceOutput },
  'workspaces.remove': { input: s.removeWorkspaceInput, output: s.removeWorkspaceOutput },
  'workspaces.signInAgain': { input: s.signInAgainInput, output: s.signInAgainOutput },
  'workspaces.replaceToken': { input: s.replaceTokenInput, output: s.replaceTokenOutput },
  'cloud.projects': { input: s.listProjectsInput, output: s.listProjectsOutput },
  'cloud.branches': { input: s.listBranchesInput, output: s.listBranchesOutput },
  'cloud.endpoints': { input: s.listEndpointsInput, output: s.listEndpointsOutput },
  'cloud.createBranch': { input: s.createBranchInput, output: s.startedOperationOutput },
  'cloud.updateBranch': { input: s.updateBranchInput, output: s.startedOperationOutput },
  'cloud.deleteBranch': { input: s.deleteBranchInput, output: s.startedOperationOutput },
  'cloud.operations': { input: s.listOperationsInput, output: s.listOperationsOutput },
  'cloud.stopOperation': { input: s.stopOperationInput, output: s.stopOperationOutput },
  'cloud.createProject': { input: s.createProjectInput, output: s.startedOperationOutput },
  'cloud.setDefaultBranch': { input: s.setDefaultBranchInput, output: s.startedOperationOutput },
  'cloud.createEndpoint': { input: s.createEndpointInput, output: s.startedOperationOutput },
  'cloud.updateEndpoint': { input: s.updateEndpointInput, output: s.startedOperationOutput },
  'cloud.deleteEndpoint': { input: s.deleteEndpointInput, output: s.startedOperationOutput },
  'cloud.databases': { input: s.listDatabasesInput, output: s.listDatabasesOutput },
  'cloud.roles': { input: s.listRolesInput, output: s.listRolesOutput },
  'cloud.dataApi': { input: s.getDataApiInput, output: s.getDataApiOutput },
  'cloud.enableDataApi': { input: s.enableDataApiInput, output: s.startedOperationOutput },
  'cloud.updateDataApi': { input: s.updateDataApiInput, output: s.startedOperationOutput },
  'cloud.disableDataApi': { input: s.disableDataApiInput, output: s.startedOperationOutput },
  'cloud.deleteProject': { input: s.deleteProjectInput, output: s.startedOperationOutput },
  'cloud.undeleteProject': { input: s.undeleteProjectInput, output: s.startedOperationOutput },
  'cloud.undeleteBranch': { input: s.undeleteBranchInput, output: s.startedOperationOutput },
  'cloud.restoreBranch': { input: s.restoreBranchInput, output: s.startedOperationOutput },
  'cloud.sendToHostedDataApi': { input: s.sendToHostedDataApiInput, output: s.sendToHostedDataApiOutput },
  'cloud.createRole': { input: s.createRoleInput, output: s.startedOperationOutput },
  'cloud.deleteRole': { input: s.deleteRoleInput, output: s.startedOperationOutput },
} as const;
