/**
 * Errors of the Kafka client made readable: a failed SASL login or TLS handshake (which mechanism, which broker,
 * what to check) and a refused permission (which resource, which operation, the ACL that would allow it), instead
 * of "cannot connect to any broker" or a retry loop. @platformatic/kafka nests the cause: MultipleErrors →
 * NetworkError → AuthenticationError → ResponseError → ProtocolError (apiId, serverErrorMessage).
 */
import type { ConnectionOptions } from '@platformatic/kafka';

interface ErrorNode {
  message?: string;
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
  path?: string;
  response?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

/** Every error in the tree of `e` (itself, its `errors` and `cause`s), depth first. */
export function errorTree(e: unknown, out: ErrorNode[] = [], depth = 0): ErrorNode[] {
  if (!e || typeof e !== 'object' || depth > 8) return out;
  const n = e as ErrorNode;
  out.push(n);
  if (Array.isArray(n.errors)) for (const x of n.errors) errorTree(x, out, depth + 1);
  if (n.cause) errorTree(n.cause, out, depth + 1);
  return out;
}

/** The TLS errors of a certificate the client does not trust (Node's codes). */
const UNTRUSTED_CERT = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export type SecuritySettings = Pick<ConnectionOptions, 'tls' | 'ssl' | 'sasl'>;

/**
 * True when `e` is a refused login or an untrusted certificate: retrying with the same settings cannot help. A TLS
 * handshake cut short is not one: a restarting broker resets connections too (connect() explains it at once).
 */
export function isSecurityFailure(e: unknown): boolean {
  return errorTree(e).some((n) => n.code === 'PLT_KFK_AUTHENTICATION' || (n.code !== undefined && UNTRUSTED_CERT.has(n.code)));
}

/** What went wrong connecting to `where` with these settings, or null when it was not TLS or SASL. */
export function explainConnectionFailure(e: unknown, where: string, s: SecuritySettings | undefined): string | null {
  const tree = errorTree(e);
  const tls = Boolean(s?.tls ?? s?.ssl);
  const sasl = s?.sasl;
  const mech = sasl?.mechanism ?? '';
  const proto = tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  const api = (id: string) => tree.find((n) => n.apiId === id);
  const denied = api('SASL_AUTHENTICATION_FAILED');
  if (denied) {
    return `SASL ${mech} login of user '${sasl?.username ?? ''}' refused by the Kafka broker at ${where}` +
      `${denied.serverErrorMessage ? ` (${denied.serverErrorMessage})` : ''}. Check kafka.sasl.username and kafka.sasl.password, ` +
      `and that the user has ${mech} credentials on the cluster (SCRAM: kafka-configs --alter --entity-type users --entity-name <user> ` +
      `--add-config '${mech.startsWith('SCRAM') ? mech : 'SCRAM-SHA-256'}=[password=...]'; PLAIN: the listener's JAAS config).`;
  }
  const unsupported = api('UNSUPPORTED_SASL_MECHANISM');
  if (unsupported) {
    const offered = (tree.find((n) => (n.response as { mechanisms?: string[] } | undefined)?.mechanisms)?.response as { mechanisms: string[] } | undefined)?.mechanisms;
    return `the Kafka broker at ${where} does not offer SASL mechanism ${mech}${offered?.length ? ` (it offers ${offered.join(', ')})` : ''}: ` +
      'set kafka.sasl.mechanism to one it offers, or enable it in the broker\'s sasl.enabled.mechanisms.';
  }
  if (api('ILLEGAL_SASL_STATE') && sasl) {
    return `the listener at ${where} does not take a SASL login (kafka.sasl is set, mechanism ${mech}): it is a PLAINTEXT or SSL listener. ` +
      `Give --bootstrap the broker's ${proto} listener, or drop kafka.sasl.`;
  }
  const cert = tree.find((n) => n.code !== undefined && UNTRUSTED_CERT.has(n.code));
  if (cert) {
    return `TLS: the certificate of the Kafka broker at ${where} is not trusted (${cert.message ?? cert.code}). Pin the CA that signed it ` +
      'with kafka.ssl.ca (PEM; on the CLI --config kafka.ssl.ca=@ca.pem), or check that the broker\'s certificate names the host you connect to.';
  }
  if (tree.some((n) => n.code === 'PLT_KFK_USER' && /TLS handshake/.test(n.message ?? ''))) {
    return `TLS handshake with ${where} failed: that listener does not speak TLS (a PLAINTEXT or SASL_PLAINTEXT listener). ` +
      'Give --bootstrap the broker\'s SSL or SASL_SSL listener, or drop kafka.ssl.';
  }
  if (tree.some((n) => n.code === 'PLT_KFK_AUTHENTICATION')) {
    const m = tree.find((n) => n.code === 'PLT_KFK_AUTHENTICATION')?.message ?? '';
    return `SASL ${mech} login at the Kafka broker at ${where} failed: ${m} Check kafka.sasl and that ${where} is a ${proto} listener.`;
  }
  return null;
}

/** A hint for a broker that closed the connection at once: a listener that wants TLS or SASL the client did not set. */
export function closedConnectionHint(e: unknown, s: SecuritySettings | undefined): string | null {
  if (s?.sasl && (s.tls ?? s.ssl)) return null;
  if (!errorTree(e).some((n) => n.message === 'Connection closed')) return null;
  const missing = [!(s?.tls ?? s?.ssl) ? 'TLS (kafka.ssl)' : '', !s?.sasl ? 'a SASL login (kafka.sasl)' : ''].filter(Boolean).join(' or ');
  return `the broker closed the connection at once: if this listener wants ${missing}, set it (API.md section 7; on the CLI --config kafka.ssl=true / kafka.sasl.mechanism=...)`;
}

/** The ACL operations each request needs, per resource type (Kafka's authorization per API). */
const NEEDS: Array<[RegExp, Partial<Record<'topic' | 'group' | 'transactional id' | 'cluster', string>>]> = [
  [/^produce/, { topic: 'Write', 'transactional id': 'Write' }],
  [/^(fetch|read )/, { topic: 'Read' }],
  [/^(metadata|list topics|leader|list offsets|leaders of)/, { topic: 'Describe' }],
  [/^create topic/, { topic: 'Create', cluster: 'Create' }],
  [/^delete topic/, { topic: 'Delete' }],
  [/^delete records/, { topic: 'Delete' }],
  [/^describe configs/, { topic: 'DescribeConfigs' }],
  [/^(find the coordinator|joining consumer group|commit offsets)/, { group: 'Read', topic: 'Read' }],
  [/^(committed offsets|offsets of group|list groups)/, { group: 'Describe', topic: 'Describe', cluster: 'Describe' }],
  [/^InitProducerId|^EndTxn/, { 'transactional id': 'Write' }],
  [/^AddPartitionsToTxn/, { 'transactional id': 'Write', topic: 'Write' }],
  [/^(AddOffsetsToTxn|TxnOffsetCommit)/, { 'transactional id': 'Write', group: 'Read', topic: 'Read' }],
];

const RESOURCE: Record<string, 'topic' | 'group' | 'transactional id' | 'cluster'> = {
  TOPIC_AUTHORIZATION_FAILED: 'topic', GROUP_AUTHORIZATION_FAILED: 'group',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'transactional id', CLUSTER_AUTHORIZATION_FAILED: 'cluster',
};

/** The names of what a refused request was about: topic names found at the error's path in the response. */
function refusedNames(tree: ErrorNode[], apiId: string): string[] {
  const names = new Set<string>();
  for (const n of tree) {
    if (n.apiId !== apiId || !n.path) continue;
    const root = tree.find((r) => r.response !== undefined && Array.isArray(r.errors) && r.errors.includes(n))?.response;
    let at: unknown = root;
    for (const seg of n.path.split('/').filter(Boolean)) {
      at = (at as Record<string, unknown> | undefined)?.[seg];
      const name = (at as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string' && name) names.add(name);
    }
  }
  return [...names];
}

/**
 * A refused permission (TOPIC_/GROUP_/TRANSACTIONAL_ID_/CLUSTER_AUTHORIZATION_FAILED) explained: the principal, the
 * operation, the resource and the kafka-acls command that grants it; null for other errors. `what` is the request
 * as KafkaClient.retry names it ("produce to t-0", "commit offsets of group 'g'", ...), with names in quotes.
 */
export function explainAuthorization(e: unknown, what: string, where: string, s: SecuritySettings | undefined): string | null {
  const tree = errorTree(e);
  const id = tree.map((n) => n.apiId).find((x): x is string => x !== undefined && x in RESOURCE);
  if (!id) return null;
  const resource = RESOURCE[id];
  const op = NEEDS.find(([re]) => re.test(what))?.[1][resource] ?? (resource === 'topic' ? 'Describe' : 'Read');
  const quoted = [...what.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const names = resource === 'topic' ? refusedNames(tree, id) : [];
  if (!names.length && resource === 'topic') names.push(...(quoted.length ? quoted : [...what.matchAll(/(?:to|of|read) ([^\s,]+)-\d+/g)].map((m) => m[1])));
  if (resource !== 'topic' && resource !== 'cluster' && quoted.length) names.push(quoted[quoted.length - 1]);
  const principal = s?.sasl?.username !== undefined ? `User:${s.sasl.username}` : (s?.tls ?? s?.ssl) ? 'the principal of this TLS connection' : 'User:ANONYMOUS';
  const target = resource === 'cluster' ? 'the cluster' : `${resource} ${names.length ? names.map((n) => `'${n}'`).join(', ') : '(unnamed)'}`;
  const flag = { topic: '--topic', group: '--group', 'transactional id': '--transactional-id', cluster: '--cluster' }[resource];
  const grant = `kafka-acls --bootstrap-server ${where} --add --allow-principal ${principal.startsWith('User:') ? principal : 'User:<name>'} ` +
    `--operation ${op} ${flag}${resource === 'cluster' ? '' : ` ${names[0] ?? '<name>'}`}`;
  return `${id}: ${principal} may not ${op} ${target} (${what} on Kafka at ${where} was refused). ` +
    `An ACL allowing ${op} on ${target} for ${principal} is missing: ${grant}`;
}
