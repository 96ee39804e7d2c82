/** Injection token of every tenant's program: the ladders tiers are named by. */
export const PROGRAM_CATALOG = Symbol('ProgramCatalog');
