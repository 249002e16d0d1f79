/**
 * Kafka Streams' names for an app's internal topics (API.md sections 3 and 7): the one place that builds them.
 * Changelogs are `<applicationId>-<store>-changelog`; repartition topics `<applicationId>-<name>-repartition`;
 * every internal topic starts with `<applicationId>-`.
 */
export const REPARTITION_SUFFIX = '-repartition';
export const CHANGELOG_SUFFIX = '-changelog';

/** The physical name of an internal topic the topology names without the app prefix. */
export function internalTopic(applicationId: string, topic: string): string {
  return `${applicationId}-${topic}`;
}

export function changelogTopic(applicationId: string, storeName: string): string {
  return internalTopic(applicationId, storeName + CHANGELOG_SUFFIX);
}

/** A repartition topic's name inside the topology (before the app prefix). */
export function repartitionName(prefix: string): string {
  return prefix.endsWith(REPARTITION_SUFFIX) ? prefix : prefix + REPARTITION_SUFFIX;
}

export function isRepartitionTopic(applicationId: string, physical: string): boolean {
  return physical.startsWith(`${applicationId}-`) && physical.endsWith(REPARTITION_SUFFIX);
}
