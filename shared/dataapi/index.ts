export * from './ast';
export * from './operators';
export * from './parseQuery';
export * from './serializeQuery';
