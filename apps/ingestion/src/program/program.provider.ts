/** The program configuration in force (per-tenant, versioned configuration files arrive with the ingestion issue). */
export const PROGRAM = Symbol('ProgramConfig');
