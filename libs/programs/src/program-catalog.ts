import { type ProgramConfig, type TenantProgram, programAt } from '@loyalty/domain';

/** Every tenant's program versions; tenants without a file of their own run the default program. */
export class ProgramCatalog {
  constructor(
    private tenants: ReadonlyMap<string, TenantProgram>,
    private readonly fallback: TenantProgram,
  ) {}

  /**
   * Takes the tenants' programs from elsewhere (the rules service: the program log, which holds
   * every version ever published, the files' included); the fallback stays.
   */
  adopt(tenants: ReadonlyMap<string, TenantProgram>): void {
    this.tenants = tenants;
  }

  /** Each tenant's program, for publishing. */
  programs(): TenantProgram[] {
    return [...this.tenants.values()];
  }

  /** The tenant's effective-dated versions (the default program's when it has no file). */
  of(tenantId: string): TenantProgram {
    return this.tenants.get(tenantId) ?? this.fallback;
  }

  /** Tenants with a program file of their own. */
  tenantIds(): string[] {
    return [...this.tenants.keys()].sort();
  }

  /** The version in force for the tenant at `time` (the time the request happened). */
  at(tenantId: string, time: string): ProgramConfig {
    const program = this.tenants.get(tenantId) ?? this.fallback;
    const version = programAt(program, time) ?? programAt(this.fallback, time);
    // The default program is effective from 2000; a time before it is rejected by validation.
    if (version === undefined) throw new RangeError(`no program version in force at ${time} for tenant ${tenantId}`);
    return version;
  }
}
