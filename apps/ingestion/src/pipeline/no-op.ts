/**
 * A command that changes nothing, with the reason (a bucket already active, an offer already held).
 * It is not a rejection: it is answered 200 and recorded like any decision, so a resend answers alike.
 */
export interface NoOp {
  readonly kind: 'no-op';
  readonly reason: string;
}

export function noOp(reason: string): NoOp {
  return { kind: 'no-op', reason };
}
