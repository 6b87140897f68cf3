/** Reads the body and answers the way Podium's ingest routes do, doing nothing else. */
export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    if (new URL(request.url).pathname === "/v1/write") return new Response(null, { status: 204 });
    return Response.json({ accepted: 0, duplicates: 0 });
  },
} satisfies ExportedHandler;
