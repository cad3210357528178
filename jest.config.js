/** Jest runs against the real local stack (started once in globalSetup); see test/globalSetup.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fast tier has its own config (jest.fast.config.js, `npm run test:fast`) and needs no stack.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/fast/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  testTimeout: 180_000,
  // One file at a time: the suite shares one Temporal server and one stack on a 2-core machine,
  // and the durability tests restart servers.
  maxWorkers: 1,
  // Run in a worker process (not in band) that is replaced once a file leaves it above this much memory: in one
  // process, 130 files of workers, bundles and replays grew the heap to Node's 4 GB limit (CI, 2026-12-05).
  workerIdleMemoryLimit: '1536MB',
  reporters: ['default'],
};
