export * from './resources';
export * from './ids';
export * from './resourceName';
export * from './updateMask';
