/** How webhooks are delivered (`delivery: { … }` of AuthTools). */
export interface WebhookDeliveryOptions {
  /** Time to establish the connection, in ms. Default 5,000. */
  connectTimeoutMs?: number;
  /** Time for the whole attempt, response included, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Bytes of the receiver's answer read (kept for the delivery's last error). Default 4 KiB. */
  maxResponseBytes?: number;
  /** How often due deliveries and events from other instances are looked for, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** Deliveries attempted at once by this instance. Default 8. */
  concurrency?: number;
  /** Allowed clock difference for Standard Webhooks verification, in seconds. Default 300. */
  toleranceSeconds?: number;
}
