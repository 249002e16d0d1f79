/**
 * Global setup of npm run test:kafka: starts a single-node KRaft broker (Kafka 4.4.0 jars from Maven Central) in a
 * temp dir on a free port and hands its bootstrap address to the tests (inject('kafkaBootstrap')); stops it after.
 * TRIBUTARY_KAFKA_BOOTSTRAP=host:port uses a broker that is already running instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}

const script = path.resolve(import.meta.dirname, '../../scripts/kafka/broker.sh');

export default function setup(project: TestProject): () => void {
  const given = process.env.TRIBUTARY_KAFKA_BOOTSTRAP;
  if (given) {
    project.provide('kafkaBootstrap', given);
    return () => undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-kafka-'));
  const bootstrap = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  project.provide('kafkaBootstrap', bootstrap);
  return () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
