export * from './result';
export * from './channels';
export * from './contract';
export * from './app';
export * from './catalog';
export * from './dataApi';
export * from './transport';
