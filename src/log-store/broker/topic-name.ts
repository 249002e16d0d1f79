import { LogStoreError } from '../../log-client/errors.ts';

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rule: [a-zA-Z0-9._-], 1-249 chars, not '.' or '..'. Throws before any disk access. */
export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0)
    throw new LogStoreError('INVALID_TOPIC', `invalid topic name ${JSON.stringify(name)}: a topic name must be a non-empty string`);
  if (name === '.' || name === '..')
    throw new LogStoreError('INVALID_TOPIC', `invalid topic name '${name}': '.' and '..' are not allowed`);
  if (name.length > 249)
    throw new LogStoreError('INVALID_TOPIC', `invalid topic name '${name.slice(0, 40)}...': ${name.length} characters, the maximum is 249`);
  if (!LEGAL.test(name))
    throw new LogStoreError('INVALID_TOPIC', `invalid topic name ${JSON.stringify(name)}: only ASCII letters, digits, '.', '_' and '-' are allowed (Kafka's rule)`);
}
