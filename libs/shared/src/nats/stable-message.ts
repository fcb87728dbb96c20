/**
 * A NATS error message with the names that change on every attempt (ordered consumers, inboxes) replaced by `*`,
 * so that one failure retried every second reads, and is limited, as one message.
 */
export function stableNatsMessage(message: string): string {
  return message.replace(/\boc_[A-Za-z0-9]+_\d+\b/g, 'oc_*').replace(/_INBOX(\.[A-Za-z0-9*>]+)+/g, '_INBOX.*');
}
