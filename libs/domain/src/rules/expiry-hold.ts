import { type ProgramConfig } from '../program/program-config';
import { type RulesBucket, type RulesMember } from './rules-state';

/** A VIP's temporary points do not expire (nor get expiry warnings) while the member is VIP. */
export function expiryHeld(member: RulesMember, bucket: RulesBucket, program: ProgramConfig): boolean {
  return bucket.expiresAt !== null && program.customTiers.vipTemporaryPointsNeverExpire && member.customTiers.includes('vip');
}
