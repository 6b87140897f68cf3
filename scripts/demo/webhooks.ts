// A local webhook receiver for the workloads whose games post to one
// (seasons, tournament), and the signature check a receiver must make.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  body: string;
  signature: string;
}

export interface WebhookReceiver {
  url: string;
  /** Every delivery, in the order it arrived. */
  deliveries: Delivery[];
  close(): void;
}

/** A receiver on a free port of 127.0.0.1 that keeps every delivery and answers 204. */
export async function listenForWebhooks(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      deliveries.push({ body, signature: String(req.headers["podium-signature"] ?? "") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/podium`;
  return { url, deliveries, close: () => receiver.close() };
}

/** Whether `Podium-Signature: t=..,v1=..` is the HMAC-SHA256 of "<t>.<body>" keyed by `secret` (constant time). */
export function verifySignature(signature: string, body: string, secret: string): boolean {
  const { t, v1 } = Object.fromEntries(signature.split(",").map((part) => part.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
