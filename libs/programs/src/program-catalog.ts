import { type ProgramConfig, type TenantProgram } from '@loyalty/domain';

/** A program's versions, latest effective first: `at` runs on every command and event. */
type ByEffectiveDesc = readonly { readonly from: number; readonly config: ProgramConfig }[];

const byEffectiveDesc = (program: TenantProgram): ByEffectiveDesc =>
  program.versions.map((config) => ({ from: Date.parse(config.effectiveFrom), config })).sort((a, b) => b.from - a.from);

/** Every tenant's program versions; tenants without a file of their own run the default program. */
export class ProgramCatalog {
  private sorted = new Map<string, ByEffectiveDesc>();
  private readonly fallbackSorted: ByEffectiveDesc;

  constructor(
    private tenants: ReadonlyMap<string, TenantProgram>,
    private readonly fallback: TenantProgram,
  ) {
    this.fallbackSorted = byEffectiveDesc(fallback);
    this.adopt(tenants);
  }

  /**
   * Takes the tenants' programs from elsewhere (the rules service: the program log, which holds
   * every version ever published, the files' included); the fallback stays.
   */
  adopt(tenants: ReadonlyMap<string, TenantProgram>): void {
    this.tenants = tenants;
    this.sorted = new Map([...tenants].map(([tenantId, program]) => [tenantId, byEffectiveDesc(program)]));
  }

  /** Each tenant's program, for publishing. */
  programs(): TenantProgram[] {
    return [...this.tenants.values()];
  }

  /** The tenant's effective-dated versions (the default program's when it has no file). */
  of(tenantId: string): TenantProgram {
    return this.tenants.get(tenantId) ?? this.fallback;
  }

  /**
   * The version in force for the tenant at `time` (the time the request happened): the latest
   * whose effectiveFrom is not after it, as `programAt` defines it, without sorting on every call.
   */
  at(tenantId: string, time: string): ProgramConfig {
    const at = Date.parse(time);
    const inForce = (versions: ByEffectiveDesc | undefined) => versions?.find((v) => v.from <= at)?.config;
    const version = inForce(this.sorted.get(tenantId) ?? this.fallbackSorted) ?? inForce(this.fallbackSorted);
    // The default program is effective from 2000; a time before it is rejected by validation.
    if (version === undefined) throw new RangeError(`no program version in force at ${time} for tenant ${tenantId}`);
    return version;
  }
}
