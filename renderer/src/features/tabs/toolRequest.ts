import type { Location } from '../../../../shared/contract/location';

/** An admin tool asked for (the sidebar's tool buttons, the tree's row menu), on a location. */
export type ToolRequest =
  | { readonly tool: 'sql' | 'roles' | 'setup' | 'dataApiConsole'; readonly at: Location }
  | { readonly tool: 'grants' | 'erDiagram'; readonly schema: string; readonly at: Location }
  | { readonly tool: 'policies'; readonly schema: string; readonly table: string; readonly at: Location }
  /** The table's data compared with another branch or database. */
  | { readonly tool: 'dataDiff'; readonly schema: string; readonly table: string; readonly at: Location }
  /** `table` null: a new table in the schema. */
  | { readonly tool: 'tableDesigner'; readonly schema: string; readonly table: string | null; readonly at: Location };
