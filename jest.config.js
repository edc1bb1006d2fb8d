/**
 * Jest: TypeScript through ts-jest (type-checked), in two projects.
 * - `redis`: every test, against one Redis (tests/support/globalSetup.ts: REDIS_URL, or a private redis-server).
 * - `redis-cluster`: the tests of the code that keeps data in Redis (storage, locks, the callback queue,
 *   suggestions, staff sessions and accounts, the audit trail, the Direct Line conversation log) once more,
 *   against a private three-master Redis Cluster (tests/support/clusterGlobalSetup.ts), plus the test that the
 *   run really is on a cluster (tests/deployment/cluster.test.ts). `npx jest --selectProjects redis` skips it.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  testTimeout: 20000,
  projects: [
    {
      ...shared,
      displayName: 'redis',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/deployment/cluster\\.test\\.ts$'],
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
    {
      ...shared,
      displayName: 'redis-cluster',
      testMatch: [
        '<rootDir>/tests/storage/**/*.test.ts',
        '<rootDir>/tests/locks/**/*.test.ts',
        // The residents' channel end to end: tokens, transcript, limits, ending a conversation.
        '<rootDir>/tests/http/directLine.test.ts',
        '<rootDir>/tests/deployment/cluster.test.ts',
      ],
      // Read by tests/support/testRedis.ts: hand out Redis Cluster clients.
      globals: { testRedis: 'cluster' },
      globalSetup: '<rootDir>/tests/support/clusterGlobalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/clusterGlobalTeardown.ts',
    },
  ],
};
