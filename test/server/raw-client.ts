/**
 * A raw TCP client for the Node server tests: it sends exactly the bytes a test asks for (an
 * upload as fast as the socket takes it, a trickle, headers that never end) and reports what came
 * back and whether the server closed the connection before the client gave up.
 */
import { connect } from 'node:net';

export interface RawExchange {
  /** Request line and headers; end them with an empty line unless the test trickles headers. */
  head: string;
  /** Body bytes sent right after the head, as fast as the socket takes them. */
  body?: { total: number; chunked: boolean };
  /** Then `byte` (one byte, or one chunk of a chunked body) every `everyMs` until the server answers or closes. */
  trickle?: { everyMs: number; byte: string };
  /** Read nothing until the whole body has been written (a client that uploads first, then reads). */
  readAfterSend?: boolean;
  /** Go on sending the body after the answer has come (a client that ignores it). */
  keepSending?: boolean;
  /** The client gives up (and closes) after this long. */
  giveUpMs: number;
}

export interface RawOutcome {
  /** Status of the answer, 0 when none was read. */
  status: number;
  /** The answer's body (the endpoint's JSON), '' when none was read. */
  body: string;
  /** Body bytes the client managed to hand to its socket. */
  sent: number;
  /** True when the server ended the connection before the client gave up. */
  closedByServer: boolean;
}

export function rawExchange(port: number, exchange: RawExchange): Promise<RawOutcome> {
  return new Promise((resolve) => {
    // Half-open allowed, so a client that keeps sending can go on after the server's FIN.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    let sent = 0;
    let answered = false;
    let gaveUp = false;
    let trickle: ReturnType<typeof setInterval> | undefined;
    const giveUp = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, exchange.giveUpMs);
    if (exchange.readAfterSend) socket.pause();
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}/.test(received)) answered = true;
    });
    socket.on('error', () => {
      // A reset or a broken pipe is an outcome here, read on 'close'.
      socket.resume();
    });
    // The server's FIN: a polite client closes its side too; one that keeps sending does not.
    socket.on('end', () => {
      if (!exchange.keepSending) socket.end();
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      const split = received.indexOf('\r\n\r\n');
      resolve({ status, body: split === -1 ? '' : received.slice(split + 4), sent, closedByServer: !gaveUp });
    });

    const startTrickle = () => {
      const { everyMs, byte } = exchange.trickle!;
      trickle = setInterval(() => {
        if ((answered && !exchange.keepSending) || socket.destroyed) return clearInterval(trickle);
        socket.write(byte);
      }, everyMs);
    };
    const afterBody = () => {
      if (exchange.readAfterSend) socket.resume();
      if (exchange.trickle) startTrickle();
    };

    socket.write(exchange.head);
    const body = exchange.body;
    if (!body) return afterBody();
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const chunkHead = Buffer.from(`${chunk.length.toString(16)}\r\n`);
    const crlf = Buffer.from('\r\n');
    const pump = () => {
      while (sent < body.total && !socket.destroyed && (!answered || exchange.readAfterSend || exchange.keepSending)) {
        const n = Math.min(chunk.length, body.total - sent);
        sent += n;
        let flowing: boolean;
        if (body.chunked) {
          socket.write(n === chunk.length ? chunkHead : Buffer.from(`${n.toString(16)}\r\n`));
          socket.write(chunk.subarray(0, n));
          flowing = socket.write(crlf);
        } else flowing = socket.write(chunk.subarray(0, n));
        if (!flowing) return void socket.once('drain', pump);
      }
      if (sent >= body.total && body.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
      // Wait until the kernel has taken it all, so "read after send" really reads after.
      if (!socket.destroyed) socket.write('', afterBody);
    };
    pump();
  });
}

/** The error code in an endpoint answer's JSON body, or undefined. */
export function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
