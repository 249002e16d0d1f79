/**
 * Fraud check: payments enriched with the card holder's profile (stream-table join).
 *   npx streams-run examples/fraud-check.ts --create-topics
 * `accounts` is a table (key: account id, value: profile with home country and daily limit); every payment on
 * `payments` (key: account id) is joined with the account's current profile. Payments over the limit or from
 * another country are flagged on `payment-alerts`; payments of unknown accounts are flagged as well (left join:
 * the profile is null). Only payments trigger: a profile update changes the verdict of later payments, not of
 * earlier ones.
 *   npx streams-run consume payment-alerts --from-beginning
 */
import { defineApp, serdes } from 'tributary-streams';

export interface Account {
  country: string;
  limit: number;
}

export interface Payment {
  amount: number;
  country: string;
}

export interface Verdict {
  amount: number;
  reasons: string[];
}

/** Why a payment looks suspicious for this profile (empty: it does not). */
export function reasons(payment: Payment, account: Account | null): string[] {
  if (account === null) return ['unknown-account'];
  const out: string[] = [];
  if (payment.amount > account.limit) out.push('over-limit');
  if (payment.country !== account.country) out.push('foreign-country');
  return out;
}

/** Sample input for a fresh data dir: two profiles, then payments before and after a profile update. */
export const sampleInput = {
  accounts: [
    { key: 'acc-1', value: { country: 'NL', limit: 500 }, timestamp: 0 },
    { key: 'acc-2', value: { country: 'DE', limit: 100 }, timestamp: 0 },
  ],
  payments: [
    { key: 'acc-1', value: { amount: 120, country: 'NL' }, timestamp: 1_000 },
    { key: 'acc-1', value: { amount: 900, country: 'NL' }, timestamp: 2_000 },
    { key: 'acc-2', value: { amount: 50, country: 'FR' }, timestamp: 3_000 },
    { key: 'acc-9', value: { amount: 10, country: 'NL' }, timestamp: 4_000 },
  ],
};

export default defineApp({
  applicationId: 'fraud-check',
  build(b) {
    const accounts = b.table('accounts', { key: serdes.string(), value: serdes.json<Account>() }, { storeName: 'accounts' });
    b.stream('payments', { key: serdes.string(), value: serdes.json<Payment>() })
      .leftJoin(accounts, (payment, account): Verdict => ({ amount: payment.amount, reasons: reasons(payment, account) }))
      .filter((_account, verdict) => verdict.reasons.length > 0)
      .to('payment-alerts', { key: serdes.string(), value: serdes.json<Verdict>() });
  },
});
