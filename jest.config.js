/**
 * Two projects: unit tests run everywhere and in parallel; tests under test/fleet/ need the
 * local test fleet (root, Docker, Consul), which globalSetup brings up. Run fleet tests
 * serially (`--runInBand`, as scripts/test.sh does): they share one fleet.
 */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true }, diagnostics: false }] },
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: "unit",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/fleet/"],
    },
    {
      ...common,
      displayName: "fleet",
      // Fleet tests start containers and restart daemons on a shared two-core machine.
      testTimeout: 120000,
      roots: ["<rootDir>/test/fleet"],
      testMatch: ["**/*.test.ts"],
      globalSetup: "<rootDir>/test/fleet/setup.ts",
      globalTeardown: "<rootDir>/test/fleet/teardown.ts",
    },
  ],
};
