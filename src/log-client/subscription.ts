/** Which topics a subscription (topic names, or a pattern) matches: the same rule for every log. */
import type { Subscription } from './types.ts';

/** Internal topics (`__...`) never match a pattern. */
export function matching(sub: Subscription, topics: readonly string[]): string[] {
  if (sub.topics) return topics.filter((t) => sub.topics!.includes(t));
  if (sub.pattern !== undefined) {
    const re = new RegExp(sub.pattern, (sub.flags ?? '').replace(/[gy]/g, ''));
    return topics.filter((t) => !t.startsWith('__') && re.test(t));
  }
  return [];
}
