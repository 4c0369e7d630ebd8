import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The one-way import rule of DESIGN §2 is enforced by eslint.config.js; these examples prove the
 * rule fires where it must and stays quiet where imports are allowed.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? -1;
}

// The first lint loads the TypeScript parser, which takes seconds on a busy 2-core machine.
describe('import layering', { timeout: 30_000 }, () => {
  it.each([
    ['shared/contract/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['shared/dataapi/x.ts', "import pg from 'pg';\nexport const a = pg;\n"],
    ['shared/contract/x.ts', "import { a } from '../../electron/rpc/handlers';\nexport const b = a;\n"],
    ['renderer/src/x.ts', "import { a } from '../../electron/server/pierServer';\nexport const b = a;\n"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const b = ipcRenderer;\n"],
    ['renderer/src/x.ts', "import path from 'node:path';\nexport const b = path;\n"],
    ['electron/engine/x.ts', "import { app } from 'electron';\nexport const b = app;\n"],
    ['electron/rpc/x.ts', "import { a } from '../../renderer/src/App';\nexport const b = a;\n"],
    // Services inside electron/ import only what is below them (SERVICE_IMPORTS in eslint.config.js).
    ['electron/engine/x.ts', "import { a } from '../server/pierServer';\nexport const b = a;\n"],
    ['electron/engine/plan/x.ts', "import { a } from '../../local/postgres/cluster';\nexport const b = a;\n"],
    ['electron/admin/x.ts', "import { a } from '../branchData/BranchData';\nexport const b = a;\n"],
    ['electron/rpc/x.ts', "import { a } from '../server/pierServer';\nexport const b = a;\n"],
    ['electron/branchData/x.ts', "import { a } from '../local/controlPlane/createControlPlane';\nexport const b = a;\n"],
    ['electron/cloud/auth/x.ts', "import { a } from '../../engine';\nexport const b = a;\n"],
    ['electron/local/controlPlane/x.ts', "import { a } from '../../rpc/handlers';\nexport const b = a;\n"],
    ['electron/app/x.ts', "import { a } from '../server/httpServer';\nexport const b = a;\n"],
  ])('refuses %s importing across the layers', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toBe(1);
  });

  it.each([
    ['renderer/src/x.ts', "import { CHANNELS } from '../../shared/contract';\nexport const b = CHANNELS;\n"],
    ['electron/rpc/x.ts', "import { CHANNELS } from '../../shared/contract';\nexport const b = CHANNELS;\n"],
    ['electron/main/x.ts', "import { app } from 'electron';\nexport const b = app;\n"],
    ['electron/preload/x.ts', "import { contextBridge } from 'electron';\nexport const b = contextBridge;\n"],
    ['electron/branchData/x.ts', "import { a } from '../engine';\nexport const b = a;\n"],
    ['electron/rpc/x.ts', "import { a } from '../branchData/BranchData';\nexport const b = a;\n"],
    ['electron/server/x.ts', "import { a } from '../local/controlPlane/createControlPlane';\nexport const b = a;\n"],
    // A service's own sub-folder that shares a name with another service (cloud/rpc) is its own.
    ['electron/cloud/auth/x.ts', "import { a } from '../rpc/createCloudHandlers';\nexport const b = a;\n"],
    ['electron/engine/plan/x.ts', "import { a } from '../../errors/PierError';\nexport const b = a;\n"],
  ])('allows %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toBe(0);
  });
});
