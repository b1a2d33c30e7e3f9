// WGSL shaders are imported as text: esbuild's `loader: { '.wgsl': 'text' }` and the vitest plugin in vitest.config.ts.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
