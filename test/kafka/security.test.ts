/**
 * API.md section 7's security settings against a secured broker of its own (scripts/kafka/secure-broker.sh, ACLs on):
 * the LogClient and a small counting app over TLS with the CA pinned, over SASL PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512, and over SASL_SSL; kcat reads what they wrote. A refused login, an untrusted certificate and a
 * missing ACL fail at once with an error that names the mechanism, broker, principal, operation and resource.
 * kcat reads over SSL or SASL PLAIN only: Debian's librdkafka (2.0.2) fails SCRAM against Kafka 4.x brokers
 * (a client nonce bug fixed in librdkafka 2.6.1; edenhill/kcat#462).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineApp, serdes } from '../../src/index.ts';
import { kafkaOptionsFromConfig, openKafkaLog, type KafkaConfig } from '../../src/kafka/index.ts';
import type { LogClient } from '../../src/log-client/client.ts';
import { AppProcess, cli } from '../runtime/proc.ts';
import { kcatConsume } from './kcat.ts';
import { allow, createAcls, startSecureBroker, stopSecureBroker, type SecureBroker } from './secure-broker.ts';

let b: SecureBroker;
let ca: string;
const dirs: string[] = [];
const str = (v: Uint8Array | null) => (v === null ? null : Buffer.from(v).toString());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  b = startSecureBroker();
  ca = fs.readFileSync(b.caFile, 'utf8');
  await createAcls(b, [
    ...allow('alice', 'TOPIC', '*', ['ALL']), ...allow('alice', 'GROUP', '*', ['ALL']), ...allow('alice', 'TRANSACTIONAL_ID', '*', ['ALL']),
    ...allow('bob', 'TOPIC', 'bob-*', ['READ', 'WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS']), ...allow('bob', 'TOPIC', 'sec-shared', ['DESCRIBE']),
  ]);
  const admin = await openKafkaLog({ bootstrapServers: b.plaintext });
  try {
    for (const t of ['sec-shared', 'sec-secret', 'bob-in']) await admin.admin.createTopic(t, { partitions: 1 });
  } finally {
    await admin.close();
  }
});

afterAll(() => {
  stopSecureBroker(b);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Mode { name: string; config: () => KafkaConfig; kcat: () => string[] }
const sasl = (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', tls = false): Mode => ({
  name: `${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'} ${mechanism}`,
  config: () => ({ bootstrapServers: tls ? b.saslSsl : b.saslPlaintext, kafka: { sasl: { mechanism, username: 'alice', password: b.users.alice }, ...(tls ? { ssl: { ca } } : {}) } }),
  // kcat logs in with PLAIN (see the header)
  kcat: () => [`security.protocol=${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`, 'sasl.mechanisms=PLAIN', 'sasl.username=alice', `sasl.password=${b.users.alice}`,
    ...(tls ? [`ssl.ca.location=${b.caFile}`] : [])],
});
const modes: Mode[] = [
  { name: 'SSL, CA pinned', config: () => ({ bootstrapServers: b.ssl, kafka: { ssl: { ca } } }), kcat: () => ['security.protocol=SSL', `ssl.ca.location=${b.caFile}`] },
  sasl('plain'), sasl('scram-sha-256'), sasl('scram-sha-512'), sasl('scram-sha-512', true),
];

function countApp(id: string) {
  return defineApp({
    applicationId: id,
    build(s) {
      s.stream(`${id}-in`, { key: serdes.string(), value: serdes.string() })
        .groupByKey()
        .count({ storeName: 'counts' })
        .toStream()
        .to(`${id}-out`, { key: serdes.string(), value: serdes.int64() });
    },
  });
}

async function expectRefused(f: () => Promise<unknown>, pattern: RegExp): Promise<string> {
  const t0 = Date.now();
  const err = await f().then(() => null, (e: unknown) => e as Error);
  expect(err, 'the call should have been refused').not.toBeNull();
  expect(err!.message).toMatch(pattern);
  // refused at once: not retried until the client's deadline
  expect(Date.now() - t0, err!.message).toBeLessThan(10_000);
  return err!.message;
}

describe('Kafka security settings (TLS, SASL, ACLs)', () => {
  it.each(modes)('$name: the LogClient produces and consumes, the count app runs, kcat reads both', async (mode) => {
    const id = `sec-${mode.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    const log: LogClient = await openKafkaLog({ ...kafkaOptionsFromConfig(mode.config()), retryForMs: 20_000 });
    try {
      for (const t of [`${id}-in`, `${id}-out`]) await log.admin.createTopic(t, { partitions: 2 });
      const words = Array.from({ length: 20 }, (_, i) => `w${i % 5}`);
      await log.producer().sendBatch(words.map((w, i) => ({ topic: `${id}-in`, key: w, value: `line ${i}` })));
      const c = log.consumer({ groupId: `${id}-reader`, autoOffsetReset: 'earliest' });
      c.subscribe(`${id}-in`);
      const got: string[] = [];
      for (let i = 0; i < 60 && got.length < words.length; i++) got.push(...(await c.poll({ timeoutMs: 500 })).map((r) => str(r.value)!));
      await c.commit();
      await c.close();
      expect(got.sort()).toEqual(words.map((_, i) => `line ${i}`).sort());
      expect(kcatConsume(b.plaintext, `${id}-in`).length, 'what the LogClient wrote').toBe(20);
      expect(kcatConsume(mode.kcat()[0] === 'security.protocol=SSL' ? b.ssl : mode.kcat()[0].includes('SASL_SSL') ? b.saslSsl : b.saslPlaintext, `${id}-in`, 'read_committed', { config: mode.kcat() }).map((r) => r.value).sort())
        .toEqual([...got].sort());

      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-sec-'));
      dirs.push(stateDir);
      const running = await countApp(id).start({ ...mode.config(), stateDir, cacheMaxBytes: 0, commitIntervalMs: 200, sessionTimeoutMs: 2000 });
      try {
        const end = Date.now() + 30_000;
        while (kcatConsume(b.plaintext, `${id}-out`, 'read_uncommitted').length < words.length && Date.now() < end && !running.error()) await sleep(300);
        expect(running.error()).toBeFalsy();
      } finally {
        await running.close();
      }
      const counts = kcatConsume(b.plaintext, `${id}-out`, 'read_committed', { int64Values: true });
      const last = new Map(counts.map((r) => [r.key, r.value]));
      expect(Object.fromEntries([...last].sort())).toEqual({ w0: '4', w1: '4', w2: '4', w3: '4', w4: '4' });
    } finally {
      await log.close();
    }
  });

  it('the CLI takes the settings as --config kafka.* (the CA as @file): topics, produce, consume and an app over SASL_SSL', async () => {
    const sec = ['--bootstrap', b.saslSsl, '--config', `kafka.ssl.ca=@${b.caFile}`, '--config', 'kafka.sasl.mechanism=scram-sha-256',
      '--config', 'kafka.sasl.username=alice', '--config', `kafka.sasl.password=${b.users.alice}`];
    const created = await cli(['topics', 'create', 'sec-cli', '-p', '2', ...sec]);
    expect(created.code, created.stderr).toBe(0);
    const p = await cli(['produce', 'sec-cli', ...sec], '{"key":"a","value":"x"}\nplain\n');
    expect(p.code, p.stderr).toBe(0);
    expect(kcatConsume(b.plaintext, 'sec-cli').map((r) => `${r.key}=${r.value}`).sort()).toEqual(['a=x', 'null=plain']);
    const c = await cli(['consume', 'sec-cli', '--from-beginning', '--max', '2', ...sec]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.trim().split('\n')).toHaveLength(2);
    const wrong = await cli(['topics', 'list', ...sec.slice(0, -1), 'kafka.sasl.password=nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/SASL SCRAM-SHA-256 login of user 'alice' refused by the Kafka broker at .*Check kafka.sasl.username and kafka.sasl.password/);
    // an app run from the CLI with the same settings (debug logging shows its config, without the password)
    for (const t of ['crash-input', 'crash-counts']) expect((await cli(['topics', 'create', t, ...sec])).code).toBe(0);
    expect((await cli(['produce', 'crash-input', ...sec], Array.from({ length: 10 }, (_, i) => `{"key":"r${i}","value":"w${i % 2}"}`).join('\n') + '\n')).code).toBe(0);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-sec-cli-'));
    dirs.push(stateDir);
    const app = new AppProcess(['test/long/apps/count-app.ts', ...sec, '--state-dir', stateDir, '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=200', '--log-level', 'debug']);
    try {
      await app.waitFor('running on Kafka', 60_000);
      const end = Date.now() + 30_000;
      while (kcatConsume(b.plaintext, 'crash-counts', 'read_uncommitted').length < 10 && Date.now() < end) await sleep(300);
    } finally {
      app.child.kill('SIGTERM');
    }
    const done = await app.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/"sasl":\{"mechanism":"scram-sha-256","username":"alice","password":"\*\*\*"\}/);
    expect(done.stderr).not.toContain(b.users.alice);
    const last = new Map(kcatConsume(b.plaintext, 'crash-counts', 'read_committed', { int64Values: true }).map((r) => [r.key, r.value]));
    expect(Object.fromEntries(last)).toEqual({ w0: '5', w1: '5' });
    // a topic bob may not describe is not "missing": the error names the ACL
    const bob = ['--bootstrap', b.saslPlaintext, '--config', 'kafka.sasl.mechanism=plain', '--config', 'kafka.sasl.username=bob', '--config', `kafka.sasl.password=${b.users.bob}`];
    const hidden = await cli(['produce', 'sec-secret', ...bob], 'x\n');
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(/TOPIC_AUTHORIZATION_FAILED: User:bob may not Describe topic 'sec-secret'/);
  });

  it('a wrong password is refused at once, naming the mechanism, the broker and what to check', async () => {
    for (const mechanism of ['scram-sha-256', 'scram-sha-512', 'plain'] as const) {
      const msg = await expectRefused(() => openKafkaLog(kafkaOptionsFromConfig({ bootstrapServers: b.saslPlaintext, kafka: { sasl: { mechanism, username: 'alice', password: 'wrong' } } })),
        new RegExp(`SASL ${mechanism.toUpperCase()} login of user 'alice' refused by the Kafka broker at ${b.saslPlaintext}.*Check kafka.sasl.username and kafka.sasl.password`));
      expect(msg).not.toContain('wrong');
    }
  });

  it('an untrusted certificate, TLS to a plain listener and SASL to a non-SASL listener say what to change', async () => {
    await expectRefused(() => openKafkaLog(kafkaOptionsFromConfig({ bootstrapServers: b.ssl, kafka: { ssl: true } })),
      new RegExp(`TLS: the certificate of the Kafka broker at ${b.ssl} is not trusted \\(self-signed certificate in certificate chain\\)\\. Pin the CA .*kafka\\.ssl\\.ca`));
    await expectRefused(() => openKafkaLog(kafkaOptionsFromConfig({ bootstrapServers: b.saslPlaintext, kafka: { ssl: { ca } } })),
      /TLS handshake with .* failed: that listener does not speak TLS/);
    await expectRefused(() => openKafkaLog(kafkaOptionsFromConfig({ bootstrapServers: b.ssl, kafka: { ssl: { ca }, sasl: { mechanism: 'plain', username: 'alice', password: 'x' } } })),
      /does not take a SASL login .* Give --bootstrap the broker's SASL_SSL listener, or drop kafka.sasl/);
    await expectRefused(() => openKafkaLog(kafkaOptionsFromConfig({ bootstrapServers: b.saslPlaintext })),
      /closed the connection at once: if this listener wants TLS \(kafka.ssl\) or a SASL login \(kafka.sasl\), set it/);
    expect(() => kafkaOptionsFromConfig({ bootstrapServers: b.saslPlaintext, kafka: { sasl: { mechanism: 'gssapi' as 'plain', username: 'a', password: 'b' } } }))
      .toThrow(/kafka.sasl: mechanism must be one of plain, scram-sha-256, scram-sha-512 \(got "gssapi"\)/);
  });

  it('a missing ACL is a clear error naming the principal, the operation, the resource and the grant, not a retry loop', async () => {
    const log = await openKafkaLog({ ...kafkaOptionsFromConfig({ bootstrapServers: b.saslPlaintext, kafka: { sasl: { mechanism: 'scram-sha-256', username: 'bob', password: b.users.bob } } }), retryForMs: 60_000 });
    try {
      // bob may describe sec-shared but not write to it: the produce request itself is refused
      await expectRefused(() => log.producer().sendBatch([{ topic: 'sec-shared', value: 'x' }]),
        /TOPIC_AUTHORIZATION_FAILED: User:bob may not Write topic 'sec-shared' \(produce to sec-shared-0 .*\)\. An ACL allowing Write on topic 'sec-shared' for User:bob is missing: kafka-acls --bootstrap-server \S+ --add --allow-principal User:bob --operation Write --topic sec-shared/);
      // nor read it: the fetch is refused
      const reader = log.consumer({ autoOffsetReset: 'earliest' });
      reader.assign([{ topic: 'sec-shared', partition: 0 }]);
      await expectRefused(() => reader.poll({ timeoutMs: 2000 }), /TOPIC_AUTHORIZATION_FAILED: User:bob may not Read topic 'sec-shared' .*--operation Read --topic sec-shared/);
      await reader.close().catch(() => undefined);
      // no ACL at all on sec-secret: even its metadata is refused
      await expectRefused(() => log.producer().sendBatch([{ topic: 'sec-secret', value: 'x' }]), /TOPIC_AUTHORIZATION_FAILED: User:bob may not Describe topic 'sec-secret'/);
      // bob may read bob-in, but has no group
      const c = log.consumer({ groupId: 'bob-group', autoOffsetReset: 'earliest' });
      c.subscribe('bob-in');
      await expectRefused(() => c.poll({ timeoutMs: 2000 }),
        /GROUP_AUTHORIZATION_FAILED: User:bob may not Read group 'bob-group'.*--operation Read --group bob-group/);
      await c.close().catch(() => undefined);
      // nor a transactional id
      const p = log.producer({ transactionalId: 'bob-tx' });
      p.beginTransaction();
      await expectRefused(() => p.sendBatch([{ topic: 'bob-in', value: 'x' }]),
        /TRANSACTIONAL_ID_AUTHORIZATION_FAILED: User:bob may not Write transactional id 'bob-tx'.*--operation Write --transactional-id bob-tx/);
      await p.close().catch(() => undefined);
      // what bob may do works
      expect((await log.producer().sendBatch([{ topic: 'bob-in', value: 'ok' }]))[0].offset).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('an app without the ACLs it needs stops with the missing ACL, not a retry loop', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-sec-'));
    dirs.push(stateDir);
    const admin = await openKafkaLog({ bootstrapServers: b.plaintext });
    try {
      for (const t of ['bob-app-in', 'bob-app-out']) await admin.admin.createTopic(t, { partitions: 1 });
    } finally {
      await admin.close();
    }
    const t0 = Date.now();
    let err: string | undefined;
    const app = countApp('bob-app');
    await app.start({ bootstrapServers: b.saslPlaintext, kafka: { sasl: { mechanism: 'scram-sha-512', username: 'bob', password: b.users.bob } }, stateDir })
      .then(async (running) => {
        // the stream thread found it: the app stops with the error
        while (!running.error() && Date.now() - t0 < 20_000) await sleep(200);
        err = (running.error() as Error | undefined)?.message;
        await running.close().catch(() => undefined);
      }, (e: unknown) => { err = (e as Error).message; });
    expect(Date.now() - t0, err).toBeLessThan(20_000);
    process.stderr.write(`the app as bob: ${err}\n`);
    // bob has Read/Write/Describe/DescribeConfigs on bob-* topics, nothing on the group nor Create for the changelog topic
    expect(err).toMatch(/(GROUP_AUTHORIZATION_FAILED: User:bob may not \w+ group 'bob-app')|(TOPIC_AUTHORIZATION_FAILED: User:bob may not Create topic 'bob-app-counts-changelog')/);
    expect(err).toMatch(/kafka-acls --bootstrap-server \S+ --add --allow-principal User:bob/);
  });
});
