/** What happened to this node's WebSocket connections, for systemStatus. */
export class ConnectionStats {
  /** Connections closed because their client stopped reading (CONSUMER_TOO_SLOW). */
  cutOff = 0;
}
