import { ReadableStream } from 'node:stream/web';

/**
 * Re-streams `body`, failing once more than `maxBytes` bytes have passed (when given) and turning
 * read errors into `translate(error)`. Bytes are counted after undici has decoded any
 * `Content-Encoding`, so a small compressed body cannot expand past the limit.
 */
export function limitBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number | undefined,
  tooLarge: () => Error,
  translate: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          controller.error(translate(error));
          return;
        }
        if (chunk.done) {
          controller.close();
          return;
        }
        received += chunk.value.byteLength;
        if (maxBytes !== undefined && received > maxBytes) {
          controller.error(tooLarge());
          // Stops the download and releases the connection.
          reader.cancel().catch(() => {});
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Pull only when the consumer reads: nothing is buffered beyond what it asked for.
    { highWaterMark: 0 },
  );
}
