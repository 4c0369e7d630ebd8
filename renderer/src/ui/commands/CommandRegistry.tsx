import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Command } from './command';

type Source = () => readonly Command[];

/**
 * Where features contribute palette commands (VS Code's contribution idea, in small): each mounted
 * component registers a source, asked for its commands when the palette opens, so they are current.
 */
export class CommandRegistry {
  private readonly sources = new Map<string, Source>();

  register(key: string, source: Source): () => void {
    this.sources.set(key, source);
    return () => {
      if (this.sources.get(key) === source) this.sources.delete(key);
    };
  }

  commands(): Command[] {
    return [...this.sources.values()].flatMap((source) => source());
  }
}

const RegistryContext = createContext<CommandRegistry | null>(null);

export function CommandRegistryProvider({ children }: { children: ReactNode }) {
  const [registry] = useState(() => new CommandRegistry());
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export function useCommandRegistry(): CommandRegistry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('useCommandRegistry outside CommandRegistryProvider');
  return registry;
}

/** Contributes commands while the calling component is mounted; `source` may close over fresh state each render. */
export function useCommandSource(key: string, source: Source): void {
  const registry = useContext(RegistryContext);
  const latest = useRef(source);
  latest.current = source;
  useEffect(() => registry?.register(key, () => latest.current()), [registry, key]);
}
