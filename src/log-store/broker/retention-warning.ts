/**
 * A record appended with a timestamp already past its topic's time retention is deleted by the next retention
 * check (here within seconds; Kafka checks every 5 minutes), so the topic looks empty: warn once per topic.
 */
const human = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms} ms`;

export function pastRetentionMessage(topic: string, timestamp: number, retentionMs: number): string {
  const when = timestamp >= -8.64e15 && timestamp <= 8.64e15 ? ` (${new Date(timestamp).toISOString()})` : '';
  return `a record with timestamp ${timestamp}${when} was appended to topic '${topic}', whose retentionMs is ${retentionMs} (${human(retentionMs)}): ` +
    'it is already past retention, so the next retention check deletes it (within seconds). Use current timestamps, or give the topic ' +
    'a longer retentionMs (-1 keeps records forever). Warned once per topic.';
}

export function warnPastRetention(topic: string, timestamp: number, retentionMs: number): void {
  process.emitWarning(pastRetentionMessage(topic, timestamp, retentionMs), { type: 'TributaryWarning', code: 'TRIBUTARY_PAST_RETENTION' });
}
