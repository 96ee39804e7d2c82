/** Injection token of the projector's Kysely instance. */
export const DATABASE = Symbol('Database');
