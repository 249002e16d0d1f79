/**
 * src/kafka/errors.ts on error trees shaped as @platformatic/kafka builds them (MultipleErrors → NetworkError →
 * AuthenticationError → ResponseError → ProtocolError); test/kafka/security.test.ts checks the same against a broker.
 */
import { describe, expect, it } from 'vitest';
import { isRetriable } from '../../src/kafka/client.ts';
import { explainAuthorization, explainConnectionFailure } from '../../src/kafka/errors.ts';

const net = (cause: unknown) => ({ code: 'PLT_KFK_MULTIPLE', message: 'Cannot connect to any broker.', errors: [{ code: 'PLT_KFK_NETWORK', message: 'Connection to b:9093 failed.', cause }] });
const protocol = (apiId: string, path = '/', serverErrorMessage: string | null = null) => ({ code: 'PLT_KFK_PROTOCOL', apiId, path, serverErrorMessage, message: apiId });
const response = (response: unknown, ...errors: unknown[]) => ({ code: 'PLT_KFK_RESPONSE', message: 'Received response with error', response, errors });
const sasl = { mechanism: 'SCRAM-SHA-512' as const, username: 'app', password: 'secret' };

describe('Kafka errors explained', () => {
  it('a refused login is not retried and names the mechanism, user and broker, never the password', () => {
    const e = net({ code: 'PLT_KFK_AUTHENTICATION', message: 'SASL authentication failed.', cause: response({}, protocol('SASL_AUTHENTICATION_FAILED', '/', 'invalid credentials')) });
    expect(isRetriable(e)).toBe(false);
    const msg = explainConnectionFailure(e, 'b:9093', { sasl })!;
    expect(msg).toMatch(/^SASL SCRAM-SHA-512 login of user 'app' refused by the Kafka broker at b:9093 \(invalid credentials\)\. Check kafka.sasl.username and kafka.sasl.password/);
    expect(msg).not.toContain('secret');
    // a broker that is down is still waited for
    expect(isRetriable(net({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }))).toBe(true);
  });

  it('an untrusted certificate is not retried; a mechanism the broker does not offer lists the ones it does', () => {
    const cert = net({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' });
    expect(isRetriable(cert)).toBe(false);
    expect(explainConnectionFailure(cert, 'b:9093', { tls: {} })).toMatch(/^TLS: the certificate of the Kafka broker at b:9093 is not trusted .*kafka\.ssl\.ca/);
    const mech = net({ code: 'PLT_KFK_AUTHENTICATION', message: 'Cannot find a suitable SASL mechanism.', cause: response({ errorCode: 33, mechanisms: ['PLAIN'] }, protocol('UNSUPPORTED_SASL_MECHANISM')) });
    expect(explainConnectionFailure(mech, 'b:9093', { sasl })).toBe("the Kafka broker at b:9093 does not offer SASL mechanism SCRAM-SHA-512 (it offers PLAIN): set kafka.sasl.mechanism to one it offers, or enable it in the broker's sasl.enabled.mechanisms.");
    expect(explainConnectionFailure(net({ code: 'ECONNREFUSED', message: 'refused' }), 'b:9093', { sasl })).toBeNull();
  });

  it('a missing ACL names the principal, the operation, the resource found in the response and the grant', () => {
    const produce = response({ responses: [{ name: 'ok-topic' }, { name: 'orders', partitionResponses: [{ index: 0, errorCode: 29 }] }] },
      protocol('TOPIC_AUTHORIZATION_FAILED', '/responses/1/partitionResponses/0'));
    expect(explainAuthorization(produce, 'produce to orders-0', 'b:9093', { sasl })).toBe(
      "TOPIC_AUTHORIZATION_FAILED: User:app may not Write topic 'orders' (produce to orders-0 on Kafka at b:9093 was refused). " +
      "An ACL allowing Write on topic 'orders' for User:app is missing: kafka-acls --bootstrap-server b:9093 --add --allow-principal User:app --operation Write --topic orders");
    expect(explainAuthorization(response({}, protocol('GROUP_AUTHORIZATION_FAILED')), "commit offsets of group 'g1'", 'b:9093', undefined))
      .toMatch(/^GROUP_AUTHORIZATION_FAILED: User:ANONYMOUS may not Read group 'g1' .*--operation Read --group g1$/);
    expect(explainAuthorization(response({}, protocol('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')), "InitProducerId for 'app-1-0'", 'b:9093', { tls: {} }))
      .toMatch(/^TRANSACTIONAL_ID_AUTHORIZATION_FAILED: the principal of this TLS connection may not Write transactional id 'app-1-0' .*--allow-principal User:<name> --operation Write --transactional-id app-1-0$/);
    expect(explainAuthorization(response({}, protocol('CLUSTER_AUTHORIZATION_FAILED')), "create topic 't'", 'b:9093', { sasl }))
      .toMatch(/may not Create the cluster .*--operation Create --cluster$/);
    expect(explainAuthorization(response({}, protocol('NOT_LEADER_OR_FOLLOWER')), 'produce to t-0', 'b:9093', { sasl })).toBeNull();
  });
});
