/** The Kafka backend passes the same log-client contract as the built-in log (test/log-client/contract.ts). */
import { inject } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { logClientContract } from '../log-client/contract.ts';

const bootstrap = inject('kafkaBootstrap');

logClientContract('a Kafka cluster (single-node KRaft broker)', {
  open: () => openKafkaLog({ bootstrapServers: bootstrap, clientId: 'contract-test' }),
  pollMs: 1000,
});
