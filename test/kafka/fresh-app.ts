/**
 * A clean slate for an app on the test broker: its group deleted and its topics made again.
 *
 * deleteGroup deletes a group from the test broker (Kafka's DeleteGroups, as kafka-groups.sh --delete does), so that test files
 * sharing an applicationId start from no group. Kafka 4.4 refuses a streams group member whose topology differs
 * from the one its group was created with ("Topology updates are not supported yet"), and a streams group outlives
 * its members; files using the count app with other partition counts would otherwise meet the previous file's group.
 */
import { deleteGroupsV2 } from '@platformatic/kafka';
import { KafkaClient, protocolErrorId } from '../../src/kafka/client.ts';
import type { LogClient } from '../../src/log-client/client.ts';

export async function deleteGroup(bootstrap: string, groupId: string): Promise<void> {
  const client = new KafkaClient({ bootstrapServers: bootstrap, retryForMs: 30_000 });
  try {
    const end = Date.now() + 60_000;
    for (;;) {
      const res = await client.retry(`delete group '${groupId}'`, async () =>
        deleteGroupsV2.api.async(await client.connection(await client.coordinator(0, groupId)), [groupId])).catch((e: unknown) => {
        const id = protocolErrorId(e);
        if (id === 'GROUP_ID_NOT_FOUND') return null;
        if (id === 'NON_EMPTY_GROUP' && Date.now() < end) return 'again';
        throw e;
      });
      if (res !== 'again') return;
      // members of an earlier test still in the group until their session times out
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await client.close();
  }
}

/** Deletes the app's group, its topics `topics` and internal topics (`<app>-...`), then creates `topics` again. */
export async function freshApp(log: LogClient, bootstrap: string, app: string, topics: string[], partitions: number): Promise<void> {
  await deleteGroup(bootstrap, app);
  for (const t of await log.admin.listTopics()) if (topics.includes(t) || t.startsWith(`${app}-`)) await log.admin.deleteTopic(t);
  await new Promise((r) => setTimeout(r, 1000));
  for (const t of topics) await log.admin.createTopic(t, { partitions });
}
