import net from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1 between the app's pool and a database, that the test can take
 * away: `stop()` closes the listener and cuts every open connection (the database is gone);
 * `start()` listens again on the same port. `cutOn(pattern)` arms a trap: the first packet from
 * the app whose text matches is dropped, not forwarded, and the proxy stops at that moment,
 * so a request fails halfway through with the statement never reaching the database.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private trap: RegExp | undefined;
  /** Set once a trap has fired. */
  tripped = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts everything when the app next sends a packet matching `pattern`. */
  cutOn(pattern: RegExp): void {
    this.trap = pattern;
    this.tripped = false;
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (this.trap?.test(chunk.toString('latin1'))) {
        this.trap = undefined;
        this.tripped = true;
        void this.stop();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  }
}
