/**
 * The fast tier (test/fast/): workflows on the time-skipping test server (infra/testServer.ts) with activities
 * from the project's factories over offline providers and in-memory stores, and activities in
 * MockActivityEnvironment. Needs no local stack: no global setup, nothing on the stack's ports.
 */
const base = require('./jest.config');

module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  roots: ['<rootDir>/test/fast'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60_000,
  // Each file starts its own test server (a JVM); two at once suit a 2-core machine.
  maxWorkers: 2,
  reporters: ['default'],
};
