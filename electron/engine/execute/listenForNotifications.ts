/**
 * A dedicated LISTEN connection (pooled connections cannot hold one), reconnecting after a
 * drop. Used for `NOTIFY pgrst, 'reload schema'`.
 */
import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

export function listenForNotifications(
  connection: pg.ClientConfig,
  channel: string,
  onNotify: (payload: string) => void,
  onError: (err: unknown) => void = () => undefined,
  /** Also called after a reconnect: notifications may have been missed while away. */
  onReconnect: () => void = () => undefined,
): Listener {
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempts = 0;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client(connection);
    client = c;
    c.on('notification', (m) => {
      if (m.channel === channel) onNotify(m.payload ?? '');
    });
    c.on('error', (err) => {
      onError(err);
      retry(c);
    });
    c.on('end', () => retry(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${'"' + channel.replace(/"/g, '""') + '"'}`);
      if (attempts > 0) onReconnect();
      attempts = 0;
    } catch (err) {
      onError(err);
      retry(c);
    }
  };

  const retry = (c: pg.Client) => {
    if (closed || client !== c || timer) return;
    client = undefined;
    c.end().catch(() => undefined);
    attempts++;
    timer = setTimeout(
      () => {
        timer = undefined;
        void connect();
      },
      Math.min(5000, 250 * 2 ** Math.min(attempts, 5)),
    );
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
