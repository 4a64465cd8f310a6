// What happens when a member goes over its rate: the action is refused with a
// notice (once per run of refusals) and, past the strikes allowed, it is disconnected.
import type { Member } from "./chat.js";
import { DEMO_LIMITS } from "./limits.js";

export interface RateRefusal {
  ok: false;
  error: string;
  /** When to try again, in milliseconds. */
  retryMs: number;
}

/**
 * Takes a token for `member`. `undefined` when the action may go ahead; else the
 * refusal, after `tell` gave the member a notice (and it was disconnected on abuse).
 */
export function checkRate(member: Member, tell: (text: string) => void): RateRefusal | undefined {
  const retryMs = member.bucket.take();
  if (retryMs === 0) {
    member.strikes = 0;
    return undefined;
  }
  member.strikes += 1;
  if (member.strikes >= DEMO_LIMITS.maxStrikes) {
    tell(`disconnected: more than ${DEMO_LIMITS.maxStrikes} messages refused in a row`);
    member.socket.disconnect(true);
  } else if (member.strikes === 1) {
    tell(`slow down: at most ${DEMO_LIMITS.ratePerSecond} messages a second (bursts of ${DEMO_LIMITS.rateBurst})`);
  }
  return { ok: false, error: "slow down: too many messages", retryMs };
}
