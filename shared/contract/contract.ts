import type { z } from 'zod';
import * as app from './app';
import * as catalog from './catalog';
import * as dataApi from './dataApi';
import * as admin from './admin';
import * as sql from './sql';
import * as signIn from './signIn';
import * as tableData from './tableData';
import * as sample from './sample';
import { cloudContract } from './cloud';
import { tablesContract } from './tables';
import { dataDiffContract } from './dataDiff';
import type { Channel } from './channels';
import type { Result } from './result';

/** The one contract: input and output schema of every channel. A missing channel is a compile error. */
export const contract = {
  'app.status': { input: app.appStatusInput, output: app.appStatusOutput },
  'app.about': { input: app.appAboutInput, output: app.appAboutOutput },
  'app.openLogsFolder': { input: app.appOpenLogsFolderInput, output: app.appOpenLogsFolderOutput },
  'app.checkForUpdates': { input: app.appCheckForUpdatesInput, output: app.appCheckForUpdatesOutput },
  'catalog.listSchemas': { input: catalog.listSchemasInput, output: catalog.listSchemasOutput },
  'catalog.endpointState': { input: catalog.endpointStateInput, output: catalog.endpointStateOutput },
  'catalog.wakeEndpoint': { input: catalog.wakeEndpointInput, output: catalog.wakeEndpointOutput },
  'catalog.schemaGraph': { input: catalog.schemaGraphInput, output: catalog.schemaGraphOutput },
  'dataApi.request': { input: dataApi.dataApiRequestInput, output: dataApi.dataApiRequestOutput },
  'dataApi.describe': { input: dataApi.describeTableInput, output: dataApi.describeTableOutput },
  'dataApi.identities': { input: dataApi.identitiesInput, output: dataApi.identitiesOutput },
  'dataApi.transaction': { input: dataApi.dataApiTransactionInput, output: dataApi.dataApiTransactionOutput },
  'dataApi.baseUrl': { input: dataApi.baseUrlInput, output: dataApi.baseUrlOutput },
  'tableData.cascadePreview': { input: tableData.cascadePreviewInput, output: tableData.cascadePreviewOutput },
  'tableData.exportCsvStart': { input: tableData.exportCsvStartInput, output: tableData.exportCsvStartOutput },
  'tableData.exportCsvNext': { input: tableData.exportCsvNextInput, output: tableData.exportCsvNextOutput },
  'tableData.exportCsvCancel': { input: tableData.exportCsvCancelInput, output: tableData.exportCsvCancelOutput },
  'tableData.importCsv': { input: tableData.importCsvInput, output: tableData.importCsvOutput },
  'admin.roles': { input: admin.listRolesInput, output: admin.listRolesOutput },
  'admin.planRoleChange': { input: admin.roleChangeInput, output: admin.changePlanOutput },
  'admin.applyRoleChange': { input: admin.roleChangeInput, output: admin.applyOutput },
  'admin.grants': { input: admin.listGrantsInput, output: admin.listGrantsOutput },
  'admin.planGrantChanges': { input: admin.grantChangesInput, output: admin.changePlanOutput },
  'admin.applyGrantChanges': { input: admin.grantChangesInput, output: admin.applyOutput },
  'admin.tablePolicies': { input: admin.tableRef, output: admin.tablePoliciesOutput },
  'admin.planPolicyChange': { input: admin.policyChangeInput, output: admin.changePlanOutput },
  'admin.applyPolicyChange': { input: admin.policyChangeInput, output: admin.applyOutput },
  'admin.previewPolicy': { input: admin.previewPolicyInput, output: admin.previewPolicyOutput },
  'admin.setupChecks': { input: admin.setupChecksInput, output: admin.setupChecksOutput },
  'admin.setupFix': { input: admin.setupFixInput, output: admin.applyOutput },
  'sql.run': { input: sql.sqlRunInput, output: sql.sqlRunOutput },
  'sql.cancel': { input: sql.sqlCancelInput, output: sql.sqlCancelOutput },
  'sql.fetch': { input: sql.sqlFetchInput, output: sql.sqlFetchOutput },
  'sql.close': { input: sql.sqlCloseInput, output: sql.sqlCloseOutput },
  'sql.analyze': { input: sql.sqlAnalyzeInput, output: sql.sqlAnalyzeOutput },
  'sql.export': { input: sql.sqlExportInput, output: sql.sqlExportOutput },
  'sql.catalog': { input: sql.sqlCatalogInput, output: sql.sqlCatalogOutput },
  'signIn.pending': { input: signIn.pendingSignInsInput, output: signIn.pendingSignInsOutput },
  'signIn.decide': { input: signIn.decideSignInInput, output: signIn.decideSignInOutput },
  'sample.reset': { input: sample.resetSampleInput, output: sample.resetSampleOutput },
  ...tablesContract,
  ...cloudContract,
  ...dataDiffContract,
} satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
/** What a caller passes (defaults may be left out). */
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>;
/** What a handler receives, after validation and defaults. */
export type ParsedInputOf<C extends Channel> = z.output<Contract[C]['input']>;
export type OutputOf<C extends Channel> = z.output<Contract[C]['output']>;

/** The API as the renderer sees it, whatever the transport. */
export type PierApi = { [C in Channel]: (input: InputOf<C>) => Promise<Result<OutputOf<C>>> };
