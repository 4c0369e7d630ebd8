import { PierError } from '../errors/PierError';
/** Command-line options of `npm run serve` (and of browser mode under `npm start`). */
export interface ServeArgs {
  readonly port: number;
  /** Loopback port of the Postgres proxy local endpoints are reached through. */
  readonly postgresPort: number;
  readonly dataDir: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly readyFile: string | undefined;
  /** Open the UI in a Chromium app window when a display is available. */
  readonly open: boolean;
}

export const DEFAULT_PORT = 7420;
/** The port Lakebase's clients assume (psql, the Databricks CLI, @databricks/lakebase). */
export const DEFAULT_POSTGRES_PORT = 5432;

export const USAGE = `Usage: npm run serve -- [options]
  --port N            port on 127.0.0.1 for the UI and APIs (default ${DEFAULT_PORT}; 0 = any free port)
  --postgres-port N   port on localhost where clients reach local endpoints (default ${DEFAULT_POSTGRES_PORT};
                      when it is taken, the one used last time or a free one; 0 = any free port)
  --data-dir DIR      where Pier keeps its local data (default: your app-data folder)
  --database-url URL  use this PostgreSQL instead of the embedded one (nothing is seeded)
  --ready-file FILE   when ready, write the URLs and dev tokens to FILE as JSON
  --open              open the UI in a Chromium app window
  --help              show this help`;

/** A command-line mistake: serve prints it with the usage and exits 2. */
export class UsageError extends PierError {
  override name = 'UsageError';
  constructor(message: string) {
    super('PIER_USAGE', message);
  }
}

export function parseServeArgs(argv: readonly string[]): ServeArgs | 'help' {
  let port = DEFAULT_PORT;
  let postgresPort = DEFAULT_POSTGRES_PORT;
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let readyFile: string | undefined;
  let open = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const [flag, inline] = raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value.\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${v}".`);
        port = n;
        break;
      }
      case '--postgres-port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new UsageError(`--postgres-port must be a number from 0 to 65535, got "${v}".`);
        postgresPort = n;
        break;
      }
      case '--data-dir':
        dataDir = value();
        break;
      case '--database-url': {
        const v = value();
        if (!/^postgres(ql)?:\/\//.test(v)) throw new UsageError(`--database-url must start with postgresql://, got "${v}".`);
        databaseUrl = v;
        break;
      }
      case '--ready-file':
        readyFile = value();
        break;
      case '--open':
        open = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`Unknown option "${raw}".\n${USAGE}`);
    }
  }
  return { port, postgresPort, dataDir, databaseUrl, readyFile, open };
}
