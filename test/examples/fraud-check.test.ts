/** examples/fraud-check.ts through the test driver: payments joined with the profile current at processing time. */
import { describe, expect, it } from 'vitest';
import { TopologyTestDriver, serdes } from '../../src/index.ts';
import app, { type Account, type Payment, type Verdict } from '../../examples/fraud-check.ts';

async function setup() {
  const driver = new TopologyTestDriver(app, { initialWallClockTime: 0 });
  return {
    driver,
    accounts: driver.createInputTopic('accounts', serdes.string(), serdes.json<Account>()),
    payments: driver.createInputTopic('payments', serdes.string(), serdes.json<Payment>()),
    alerts: driver.createOutputTopic('payment-alerts', serdes.string(), serdes.json<Verdict>()),
  };
}

describe('examples/fraud-check', () => {
  it('flags over-limit, foreign and unknown-account payments and passes the rest', async () => {
    const { driver, accounts, payments, alerts } = await setup();
    await accounts.pipeInput('acc-1', { country: 'NL', limit: 500 }, 0);
    await payments.pipeInput('acc-1', { amount: 120, country: 'NL' }, 1);
    await payments.pipeInput('acc-1', { amount: 900, country: 'BE' }, 2);
    await payments.pipeInput('acc-9', { amount: 10, country: 'NL' }, 3);
    expect(alerts.readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }))).toEqual([
      { key: 'acc-1', value: { amount: 900, reasons: ['over-limit', 'foreign-country'] }, timestamp: 2 },
      { key: 'acc-9', value: { amount: 10, reasons: ['unknown-account'] }, timestamp: 3 },
    ]);
    await driver.close();
  });

  it('uses the profile as it is when the payment is processed; a profile update does not re-emit', async () => {
    const { driver, accounts, payments, alerts } = await setup();
    await accounts.pipeInput('acc-2', { country: 'DE', limit: 100 }, 0);
    await payments.pipeInput('acc-2', { amount: 150, country: 'DE' }, 1);
    await accounts.pipeInput('acc-2', { country: 'DE', limit: 1000 }, 2);
    await payments.pipeInput('acc-2', { amount: 150, country: 'DE' }, 3);
    expect(alerts.readValuesToList()).toEqual([{ amount: 150, reasons: ['over-limit'] }]);
    await accounts.pipeInput('acc-2', null as unknown as Account, 4); // account closed: later payments are unknown
    await payments.pipeInput('acc-2', { amount: 1, country: 'DE' }, 5);
    expect(alerts.readValuesToList()).toEqual([{ amount: 1, reasons: ['unknown-account'] }]);
    expect(driver.getKeyValueStore('accounts').get('acc-2')).toBeUndefined();
    await driver.close();
  });
});
