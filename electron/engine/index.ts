/** The Data API engine's public surface, for the server (HTTP) and main (in-process grid). */
export { createEngine, DEFAULT_MAX_BODY_BYTES } from './engine';
export type { CorsOptions, Engine, EngineOptions, EngineRequest, EngineResponse, JwtConfig, TrustedCaller } from './engine';
export { handleNodeRequest, toEngineRequest } from './handleNodeRequest';
export type { SchemaCache, Relation, Column, Relationship, Routine } from './schema-cache/SchemaCache';
