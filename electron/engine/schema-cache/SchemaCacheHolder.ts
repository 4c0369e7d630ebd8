/**
 * Owns the current SchemaCache. A reload drops the current cache at once, so requests that
 * arrive meanwhile wait for the new one (or get 503 PGRST002): never an answer planned
 * against a stale or half-built cache. Reloads asked for during a load run again after it.
 */
import { failWith, type Outcome } from '../errors/ApiError';
import { schemaCacheUnavailable } from '../errors/pgrstErrors';
import type { SchemaCache } from './SchemaCache';

export class SchemaCacheHolder {
  private current: SchemaCache | undefined;
  private loading: Promise<void> | undefined;
  private generation = 0;
  private lastError: unknown;

  constructor(
    private readonly load: () => Promise<SchemaCache>,
    /** How long a request waits for a load before it gets 503. */
    private readonly waitMs: number,
  ) {}

  reload(): Promise<void> {
    this.current = undefined;
    this.generation++;
    this.loading ??= this.loop().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async loop(): Promise<void> {
    while (true) {
      const generation = this.generation;
      try {
        const cache = await this.load();
        if (generation !== this.generation) continue;
        this.current = cache;
        this.lastError = undefined;
        return;
      } catch (err) {
        if (generation !== this.generation) continue;
        this.lastError = err;
        return;
      }
    }
  }

  /** The error of the last failed load, for logs. */
  get error(): unknown {
    return this.lastError;
  }

  /** The loaded cache, if there is one now (no waiting). */
  peek(): SchemaCache | undefined {
    return this.current;
  }

  async get(): Promise<Outcome<SchemaCache>> {
    if (this.current) return { ok: true, value: this.current };
    const pending = this.loading ?? this.reload();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.waitMs)))]);
    clearTimeout(timer);
    if (this.current) return { ok: true, value: this.current };
    // The reason stays in the logs (see `error`): it can name roles and hosts.
    return failWith(schemaCacheUnavailable());
  }
}
