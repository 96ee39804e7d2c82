// Integration specs start real services and wait on real components; bound each test and hook
// generously (a bound, not a measurement: performance lives in the benchmarks).
jest.setTimeout(120_000);
