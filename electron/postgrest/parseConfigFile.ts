/**
 * PostgREST's configuration file format (that of the configurator library PostgREST reads it
 * with): `name = value` bindings, `# comments`, `group { … }` blocks whose names get the group's
 * prefix, `import "file"`, and values that are strings ("…" with escapes and `$(NAME)`
 * interpolation of earlier names or environment variables), numbers, booleans (true/false/on/off)
 * and lists. Small and specific enough to write here: no npm package reads this format.
 */

export type ConfigValue = string | number | boolean | readonly ConfigValue[];

export interface ParsedConfig {
  /** Full dotted names (`app.settings.jwt_exp`) → values, in file order. */
  readonly values: ReadonlyMap<string, ConfigValue>;
}

export class ConfigSyntaxError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ConfigSyntaxError';
  }
}

export interface ParseOptions {
  /** Shown in errors. */
  readonly file: string;
  /** For `$(NAME)` when NAME is not a name bound earlier in the file. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads an imported file (relative names are resolved by the caller against `file`). */
  readonly readImport?: (path: string, from: string) => { text: string; file: string };
}

export function parseConfigFile(text: string, options: ParseOptions): ParsedConfig {
  const values = new Map<string, ConfigValue>();
  new Parser(text, options, values, '', 0).bindings(false);
  return { values };
}

const IDENT_START = /[A-Za-z]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

class Parser {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly options: ParseOptions,
    private readonly values: Map<string, ConfigValue>,
    private readonly prefix: string,
    private readonly depth: number,
  ) {}

  private line(at = this.i): number {
    let n = 1;
    for (let k = 0; k < at && k < this.s.length; k++) if (this.s[k] === '\n') n++;
    return n;
  }

  private fail(message: string, at = this.i): never {
    throw new ConfigSyntaxError(this.options.file, this.line(at), message);
  }

  /** Skips white space and comments. */
  private skip(): void {
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (/\s/.test(ch)) this.i++;
      else break;
    }
  }

  /** The bindings of the file, or of a group up to its `}`. */
  bindings(inGroup: boolean): void {
    for (;;) {
      this.skip();
      if (this.i >= this.s.length) {
        if (inGroup) this.fail('a group is not closed: expected "}"');
        return;
      }
      if (this.s[this.i] === '}') {
        if (!inGroup) this.fail('unexpected "}"');
        this.i++;
        return;
      }
      const at = this.i;
      const name = this.name();
      this.skip();
      if (name === 'import' && this.s[this.i] === '"') {
        this.importFile(this.string());
        continue;
      }
      const ch = this.s[this.i];
      if (ch === '=') {
        this.i++;
        this.skip();
        this.values.set(this.prefix + name, this.value());
      } else if (ch === '{') {
        this.i++;
        const group = new Parser(this.s, this.options, this.values, this.prefix + name + '.', this.depth);
        group.i = this.i;
        group.bindings(true);
        this.i = group.i;
      } else {
        this.fail(`expected "=" or "{" after "${name}"`, at);
      }
    }
  }

  /** `a.b-c_d`: identifiers joined by dots. */
  private name(): string {
    const start = this.i;
    const part = () => {
      if (!IDENT_START.test(this.s[this.i] ?? '')) this.fail('expected a name', start);
      while (IDENT_PART.test(this.s[this.i] ?? '')) this.i++;
    };
    part();
    while (this.s[this.i] === '.') {
      this.i++;
      part();
    }
    return this.s.slice(start, this.i);
  }

  private value(): ConfigValue {
    const ch = this.s[this.i];
    if (ch === '"') return this.string();
    if (ch === '[') return this.list();
    if (ch === "'") this.fail('strings are written in double quotes');
    const m = /^(?:true|false|on|off)(?![A-Za-z0-9_-])/.exec(this.s.slice(this.i, this.i + 6));
    if (m) {
      this.i += m[0].length;
      return m[0] === 'true' || m[0] === 'on';
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(this.s.slice(this.i, this.i + 64));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    return this.fail('expected a value: a "string", a number, true/false/on/off or a [list]');
  }

  private list(): ConfigValue[] {
    this.i++; // [
    const out: ConfigValue[] = [];
    this.skip();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skip();
      out.push(this.value());
      this.skip();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      this.fail('expected "," or "]" in a list');
    }
  }

  private string(): string {
    const start = this.i;
    this.i++; // opening quote
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('a string is not closed', start);
      const ch = this.s[this.i]!;
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch === '\\') {
        const e = this.s[this.i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          this.fail(`unknown escape "\\${e ?? ''}" in a string`);
        }
        continue;
      }
      if (ch === '$' && this.s[this.i + 1] === '$') {
        out += '$';
        this.i += 2;
        continue;
      }
      if (ch === '$' && this.s[this.i + 1] === '(') {
        const close = this.s.indexOf(')', this.i);
        if (close < 0) this.fail('"$(" without ")"');
        const ref = this.s.slice(this.i + 2, close);
        out += this.interpolate(ref);
        this.i = close + 1;
        continue;
      }
      out += ch;
      this.i++;
    }
  }

  /** `$(name)`: a name bound before (in this group, then at the top), else an environment variable. */
  private interpolate(ref: string): string {
    const bound = this.values.get(this.prefix + ref) ?? this.values.get(ref);
    if (bound !== undefined) {
      if (typeof bound === 'object') this.fail(`"$(${ref})" names a list, which cannot be put into a string`);
      return String(bound);
    }
    const env = this.options.env[ref];
    if (env !== undefined) return env;
    return this.fail(`"$(${ref})" names neither a setting above it nor an environment variable`);
  }

  private importFile(path: string): void {
    if (!this.options.readImport) this.fail('import is not available here');
    if (this.depth >= 16) this.fail('imports nest too deeply (an import cycle?)');
    const imported = this.options.readImport(path, this.options.file);
    new Parser(imported.text, { ...this.options, file: imported.file }, this.values, this.prefix, this.depth + 1).bindings(false);
  }
}
