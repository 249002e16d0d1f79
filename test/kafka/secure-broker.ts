/**
 * The secured broker of security.test.ts (scripts/kafka/secure-broker.sh: PLAINTEXT for the admin, SSL, SASL_PLAINTEXT
 * and SASL_SSL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, ACLs on) and the ACLs its users get, set over the admin
 * listener with CreateAcls.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Admin, AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes, type Acl } from '@platformatic/kafka';

export interface SecureBroker {
  dir: string;
  plaintext: string;
  ssl: string;
  saslPlaintext: string;
  saslSsl: string;
  caFile: string;
  users: Record<'alice' | 'bob', string>;
}

const script = path.resolve(import.meta.dirname, '../../scripts/kafka/secure-broker.sh');

export function startSecureBroker(): SecureBroker {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-secure-kafka-'));
  execFileSync('bash', [script, 'start', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, ...JSON.parse(fs.readFileSync(path.join(dir, 'secure.json'), 'utf8')) as Omit<SecureBroker, 'dir'> };
}

export function stopSecureBroker(b: SecureBroker | undefined): void {
  if (!b) return;
  execFileSync('bash', [script, 'stop', b.dir], { stdio: 'inherit' });
  fs.rmSync(b.dir, { recursive: true, force: true });
}

type Op = keyof typeof AclOperations;
type Res = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID' | 'CLUSTER';

/** Allows `user` the operations on a resource (a name ending in '*' is a prefix, '*' alone every name). */
export function allow(user: string, resource: Res, name: string, ops: Op[]): Acl[] {
  const prefixed = name.length > 1 && name.endsWith('*');
  return ops.map((op) => ({
    resourceType: ResourceTypes[resource], resourceName: prefixed ? name.slice(0, -1) : name,
    resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal: `User:${user}`, host: '*', operation: AclOperations[op], permissionType: AclPermissionTypes.ALLOW,
  }));
}

/** Creates the ACLs as the admin (the PLAINTEXT listener's principal is a super user). */
export async function createAcls(b: SecureBroker, acls: Acl[]): Promise<void> {
  const admin = new Admin({ clientId: 'security-test-admin', bootstrapBrokers: [b.plaintext] });
  try {
    await admin.createAcls({ creations: acls });
  } finally {
    await admin.close();
  }
}
