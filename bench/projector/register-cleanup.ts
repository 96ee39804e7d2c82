// How a phase hands the harness what it must undo (drop a table or database, delete topics, stop a
// process or a load): registered before the thing exists, run newest first by ../ingestion/cleanup,
// also on failure, Ctrl-C or an overrun time budget.
export type RegisterCleanup = (name: string, fn: () => Promise<void>) => void;
