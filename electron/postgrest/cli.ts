/**
 * `npm run postgrest -- [CONFIG_FILE]`: Pier's engine as a PostgREST server, configured as
 * PostgREST is (a configuration file and/or PGRST_* environment variables, then the
 * authenticator's in-database settings). Prints the URL when it listens; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigSyntaxError, parseConfigFile, type ConfigValue } from './parseConfigFile';
import { startPostgrestServer } from './startPostgrestServer';

const USAGE = 'usage: npm run postgrest -- [CONFIG_FILE]   (settings also from PGRST_* environment variables)';

function readConfigFile(file: string): ReadonlyMap<string, ConfigValue> {
  const read = (name: string) => ({ text: readFileSync(name, 'utf8'), file: name });
  const main = read(file);
  return parseConfigFile(main.text, {
    file: main.file,
    env: process.env,
    readImport: (p, from) => read(path.resolve(path.dirname(from), p)),
  }).values;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    console.error(`[postgrest] ${USAGE}`);
    process.exit(2);
  }
  let file: ReadonlyMap<string, ConfigValue> = new Map();
  try {
    if (args[0] !== undefined) file = readConfigFile(args[0]);
  } catch (err) {
    console.error(`[postgrest] ${err instanceof ConfigSyntaxError ? err.message : `cannot read ${args[0]}: ${String(err)}`}`);
    process.exit(2);
  }
  const server = await startPostgrestServer({ file, env: process.env, log: (m) => console.error(`[postgrest] ${m}`) }).catch(
    (err: unknown) => {
      console.error(`[postgrest] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
  console.log(`[postgrest] Pier's engine serves PostgREST at ${server.url} (schemas ${server.config.dbSchemas.join(', ')})`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
