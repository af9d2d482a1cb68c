/**
 * A minimal OpenAI-compatible streaming endpoint, in its own process, answering
 * at once (so the figures measure Tipsy Chat, not a model). Sends its URL to the parent.
 */
import { createServer } from 'node:http';

const WORDS = ['Coming ', 'right ', 'up, ', 'friend.'];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const content of WORDS) {
      res.write(`data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 0, model: 'local', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.(`http://127.0.0.1:${port}`);
});
