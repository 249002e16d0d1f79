/**
 * Kafka's tagged fields (KIP-482), read as the protocol defines them: an unsigned varint count, then per field an
 * unsigned varint tag, an unsigned varint size and that many bytes.
 *
 * @platformatic/kafka 1.35's `Reader.readTaggedFields` reads the count as a signed (zigzag) varint and skips that
 * many bytes instead of walking the fields. Brokers send tagged fields in error responses: a Produce or Fetch to a
 * partition whose leader is not known yet carries `CurrentLeader` and `NodeEndpoints`, and such a response then
 * failed to parse ("Out of bounds") instead of being retried. Every response parser of the library (and ours)
 * skips tagged fields through that one method, so it is replaced here, once, before any request is sent.
 */
import { Reader } from '@platformatic/kafka';

export function skipTaggedFields(reader: Reader): void {
  const count = reader.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    reader.readUnsignedVarInt(); // tag
    const size = reader.readUnsignedVarInt();
    reader.skip(size);
  }
}

let installed = false;

export function installTaggedFieldsReader(): void {
  if (installed) return;
  installed = true;
  (Reader.prototype as { readTaggedFields: () => void }).readTaggedFields = function readTaggedFields(this: Reader): void {
    skipTaggedFields(this);
  };
}
