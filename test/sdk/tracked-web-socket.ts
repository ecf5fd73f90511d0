/**
 * The ws WebSocket, recording each socket the SDK opens and every message it sends, so tests can
 * see what a (re)subscription carried and that a socket was closed.
 */
import WebSocket from 'ws';

export class TrackedWebSocket extends WebSocket {
  static readonly sockets: TrackedWebSocket[] = [];
  readonly sent: unknown[] = [];

  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    TrackedWebSocket.sockets.push(this);
  }

  override send(data: Parameters<WebSocket['send']>[0], ...rest: any[]): void {
    this.sent.push(JSON.parse(String(data)));
    (super.send as (...args: unknown[]) => void)(data, ...rest);
  }

  /** The subscribe messages of one operation over every socket, in order. */
  static subscribeMessages(operationName: string): { variables: Record<string, unknown> }[] {
    return TrackedWebSocket.sockets
      .flatMap((socket) => socket.sent as { type: string; payload?: { operationName?: string; variables: Record<string, unknown> } }[])
      .filter((message) => message.type === 'subscribe' && message.payload?.operationName === operationName)
      .map((message) => message.payload!);
  }

  static openCount(): number {
    return TrackedWebSocket.sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED).length;
  }
}
